import { db } from '../../db.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { PageWindow } from '../../shared/connection.js';
import { ExactNumber } from '../../shared/exact.js';
import { fieldSql } from './filter.js';
import { resolveField, type CubeModel } from './model.js';
import { buildScope, type CutEcho, type Ordering, type Row, type Selection } from './scope.js';

export interface FactsArgs extends Selection, Ordering {
  /** Refs to return; a dimension means all its attributes. Every attribute and measure when empty. */
  fields?: string[] | null;
}

/** One fact: its row id, its position in the source and the requested fields keyed by ref. */
export interface FactRow {
  id: bigint;
  rowNumber: number;
  data: Row;
}

export interface FactsPlan {
  fields: string[];
  order: [string, 'asc' | 'desc'][];
  cell: CutEcho[];
  rows(window: PageWindow): Promise<FactRow[]>;
  count(): Promise<number>;
}

interface FactField {
  ref: string;
  column: string;
  measure?: boolean;
}

/** Every attribute (dimension by dimension, key first) and every measure. */
export function allFactFields(model: CubeModel): FactField[] {
  return [
    ...model.dimensions.flatMap((d) => d.attributes.map((a) => ({ ref: a.ref, column: a.column }))),
    ...model.measures.map((m) => ({ ref: m.ref, column: m.column, measure: true })),
  ];
}

function factFields(model: CubeModel, refs: string[] | null | undefined): FactField[] {
  if (!refs?.length) return allFactFields(model);
  const out: FactField[] = [];
  const add = (entry: FactField) => {
    if (!out.some((o) => o.ref === entry.ref)) out.push(entry);
  };
  refs.forEach((ref, i) => {
    const dimension = model.dimensionsByName.get(ref);
    if (dimension) {
      for (const a of dimension.attributes) add({ ref: a.ref, column: a.column });
      return;
    }
    const field = resolveField(model, ref, `Invalid field: '${ref}'`, ['fields', i]);
    add(
      field.kind === 'measure'
        ? { ref: field.measure.ref, column: field.measure.column, measure: true }
        : { ref: field.attribute.ref, column: field.attribute.column },
    );
  });
  return out;
}

/**
 * A stored fact's data (keyed by column) as the given fields keyed by ref. Measures are ExactNumbers made from
 * `measures`, the text PostgreSQL holds for each measure column (the driver's JSON parse would bend large values).
 */
export function projectFact(fields: FactField[], data: Record<string, unknown>, measures: Record<string, string | null | undefined>): Row {
  const out: Row = {};
  for (const field of fields) {
    const text = field.measure ? measures[field.column] : undefined;
    out[field.ref] = field.measure ? (text == null ? null : new ExactNumber(text)) : (data[field.column] ?? null);
  }
  return out;
}

/** Individual facts in source order (or `order`); `checkPage` runs once the selection is checked. */
export function factsPlan(model: CubeModel, args: FactsArgs, checkPage: () => void = () => undefined): FactsPlan {
  const scope = buildScope(model, args);
  checkPage();
  const fields = factFields(model, args.fields);
  const echo: [string, 'asc' | 'desc'][] = [];
  const orderSql = (args.order ?? []).map((item, i) => {
    const field = resolveField(model, item.ref, `Invalid sorting criterion: '${item.ref}'`, [args.orderArg ?? 'order', i]);
    echo.push([field.kind === 'measure' ? field.measure.ref : field.attribute.ref, item.direction]);
    return Prisma.sql`${fieldSql(field)} ${Prisma.raw(item.direction === 'desc' ? 'DESC NULLS LAST' : 'ASC NULLS LAST')}`;
  });
  orderSql.push(Prisma.sql`f.row_number ASC`);
  const measures = fields.filter((f) => f.measure);
  const measureColumns = measures.map((m, i) => Prisma.sql`f.data ->> ${m.column} AS ${Prisma.raw(`m${i}`)}`);
  return {
    fields: fields.map((f) => f.ref),
    order: echo,
    cell: scope.cell,
    rows: async ({ offset, limit }) => {
      const rows = await db.$queryRaw<({ id: bigint | number; row_number: number; data: Record<string, unknown> } & Record<string, unknown>)[]>`
        SELECT f.id, f.row_number, f.data${measureColumns.length ? Prisma.sql`, ${Prisma.join(measureColumns)}` : Prisma.empty} FROM fact f
        WHERE ${scope.where} ORDER BY ${Prisma.join(orderSql)} LIMIT ${limit} OFFSET ${offset}`;
      return rows.map((row) => ({
        id: BigInt(row.id),
        rowNumber: Number(row.row_number),
        data: projectFact(fields, row.data, Object.fromEntries(measures.map((m, i) => [m.column, row[`m${i}`] as string | null]))),
      }));
    },
    count: async () => {
      const [row] = await db.$queryRaw<{ n: bigint | number }[]>`SELECT count(*) AS n FROM fact f WHERE ${scope.where}`;
      return Number(row?.n ?? 0);
    },
  };
}
