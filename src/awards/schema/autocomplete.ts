import { builder } from '../../builder.js';
import { db } from '../../db.js';
import { badInput } from '../../errors.js';
import { canonicalJson } from '../query/saved.js';
import { loaderOf } from '../../shared/loaders.js';
import { autocomplete, locationAutocomplete, type PlaceMatch } from '../query/queries.js';
import { AwardFilter, filterOf } from './inputs/filter.js';
import { textFieldEnum } from './inputs/fields.js';
import { scopeOf } from './lib/requests.js';

const ModeEnum = builder.enumType('AutocompleteMode', {
  description: 'How the value must match (always case-insensitive).',
  values: {
    CONTAINS: { value: 'contains', description: 'The value appears anywhere in the text.' },
    STARTSWITH: { value: 'startswith', description: 'The text starts with the value.' },
  } as const,
});

const ScopeEnum = builder.enumType('LocationScope', {
  description: 'Which countries a location autocomplete looks in.',
  values: {
    DOMESTIC: { value: 'domestic', description: 'United States locations.' },
    FOREIGN: { value: 'foreign', description: 'Locations outside the United States.' },
    ALL: { value: 'all', description: 'Every location.' },
  } as const,
});

const UsageEnum = builder.enumType('LocationUsage', {
  description: 'Which use of locations a location autocomplete looks at.',
  values: {
    RECIPIENT: { value: 'recipient', description: 'Locations of recipients.' },
    PLACE_OF_PERFORMANCE: { value: 'placeOfPerformance', description: 'Places of performance.' },
    ALL: { value: 'all', description: 'Both.' },
  } as const,
});

interface FieldMatches {
  field: string;
  values: string[];
  matchedIds: number[];
}

const FieldMatchesRef = builder.objectRef<FieldMatches>('AutocompleteField').implement({
  description: 'Distinct values of one field among the first matching awards.',
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The field path.' }),
    values: t.exposeStringList('values', { description: 'Distinct matching values, sorted.' }),
    count: t.int({ description: 'How many values.', resolve: (m) => m.values.length }),
    matchedObjects: t.prismaField({
      type: ['Award'],
      description: 'The matching awards, in id order; one query for every field of the request.',
      resolve: async (query, m, _args, ctx) => {
        const loader = loaderOf<number, unknown>(ctx, `awards:matched:${canonicalJson(query)}`, async (ids) => {
          const rows = await db.award.findMany({ ...query, where: { id: { in: [...ids] } } });
          const byId = new Map(rows.map((row) => [row.id, row]));
          return ids.map((id) => byId.get(id) ?? null);
        });
        const rows = await Promise.all(m.matchedIds.map((id) => loader.load(id)));
        return rows.filter((row) => row !== null) as never[];
      },
    }),
  }),
});

const PlaceRef = builder.objectRef<PlaceMatch>('PlaceMatch').implement({
  description: 'A place matching a location autocomplete, with the ids of the locations it covers.',
  fields: (t) => ({
    place: t.exposeString('place', { description: 'The matching place, e.g. a city name or VA-01.' }),
    placeType: t.exposeString('placeType', {
      description: 'CONGRESSIONAL DISTRICT (XX-##), COUNTRY, STATE, CITY, COUNTY, ZIP, POSTAL CODE or PROVINCE.',
    }),
    parent: t.exposeString('parent', { nullable: true, description: 'The place above it (state of a city, country of a state...).' }),
    matchedIds: t.exposeIntList('matchedIds', { description: 'Row ids of the locations it covers.' }),
  }),
});

builder.queryFields((t) => ({
  autocomplete: t.field({
    type: [FieldMatchesRef],
    description: 'Award field values matching a text, for search boxes.',
    args: {
      fields: t.arg({ type: [textFieldEnum('Award')], required: true, description: 'The text fields to look in.' }),
      value: t.arg.string({ required: true, description: 'The text to match, ignoring case.' }),
      mode: t.arg({ type: ModeEnum, required: false, defaultValue: 'contains', description: 'Match anywhere (default) or at the start.' }),
      limit: t.arg.int({ required: false, defaultValue: 10, description: 'Matching awards looked at per field, 1 to 500.' }),
      filter: t.arg({ type: AwardFilter, required: false, description: 'Only awards meeting these conditions.' }),
      dataset: t.arg.string({ required: false, description: 'Only awards of this dataset.' }),
    },
    resolve: async (_root, args, ctx) => {
      const limit = args.limit ?? 10;
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badInput(`limit must be between 1 and 500, got ${limit}`, ['limit']);
      const fields = args.fields as string[];
      const result = await autocomplete('Award', {
        fields,
        value: args.value,
        mode: args.mode ?? 'contains',
        limit,
        filter: filterOf('Award', args.filter as Record<string, unknown> | null),
        dialect: 'graphql',
        dataset: args.dataset ?? null,
      }, await scopeOf(ctx));
      return fields.map((field) => ({ field, values: result.results[field] ?? [], matchedIds: result.ids[field] ?? [] }));
    },
  }),
  locationAutocomplete: t.field({
    type: [PlaceRef],
    description: 'Countries, states, cities, counties, zip and postal codes, provinces and congressional districts matching a text.',
    args: {
      value: t.arg.string({ required: true, description: 'The text to match, ignoring case.' }),
      mode: t.arg({ type: ModeEnum, required: false, defaultValue: 'contains', description: 'Match anywhere (default) or at the start.' }),
      scope: t.arg({ type: ScopeEnum, required: false, defaultValue: 'all', description: 'Domestic, foreign or all locations.' }),
      usage: t.arg({ type: UsageEnum, required: false, defaultValue: 'all', description: 'Recipient locations, places of performance or both.' }),
      limit: t.arg.int({ required: false, defaultValue: 10, description: 'Places to return, 1 to 500.' }),
    },
    resolve: async (_root, args, ctx) =>
      locationAutocomplete({
        value: args.value,
        mode: args.mode ?? 'contains',
        scope: args.scope ?? 'all',
        usage: args.usage ?? 'all',
        limit: args.limit ?? 10,
      }, await scopeOf(ctx)),
  }),
}));
