-- Every change to the dataset table (a load, a reload's retirement, a visibility change, a delete) tells listening
-- gateways, once per statement, after commit: they drop what they memoised about the catalog (src/db/catalog-events.ts).
-- The function body spells its semicolons as \073: migration scripts are split into statements at every semicolon.
CREATE OR REPLACE FUNCTION spendgraph_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN PERFORM pg_notify(''spendgraph_catalog'', TG_OP)\073 RETURN NULL\073 END';

CREATE TRIGGER dataset_catalog_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "dataset"
  FOR EACH STATEMENT EXECUTE FUNCTION spendgraph_catalog_changed();
