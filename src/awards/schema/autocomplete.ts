import { builder } from '../../builder.js';
import { visibleDatasets } from '../../access/principal.js';
import { db } from '../../db.js';
import { fromGraphqlFilter } from '../query/filter/graphql.js';
import { autocomplete, clampPage, locationAutocomplete, type PlaceMatch } from '../query/queries.js';
import { AwardFilter } from './inputs/filter.js';

const ModeEnum = builder.enumType('AutocompleteMode', {
  description: 'How the value must match (always case-insensitive).',
  values: { CONTAINS: { value: 'contains' }, STARTSWITH: { value: 'startswith' } } as const,
});

const ScopeEnum = builder.enumType('LocationScope', {
  values: {
    DOMESTIC: { value: 'domestic', description: 'United States locations.' },
    FOREIGN: { value: 'foreign' },
    ALL: { value: 'all' },
  } as const,
});

const UsageEnum = builder.enumType('LocationUsage', {
  values: {
    RECIPIENT: { value: 'recipient', description: 'Locations of recipients.' },
    PLACE_OF_PERFORMANCE: { value: 'placeOfPerformance', description: 'Places of performance.' },
    ALL: { value: 'all' },
  } as const,
});

interface FieldMatches {
  field: string;
  values: string[];
  matchedIds: number[] | null;
}

const FieldMatchesRef = builder.objectRef<FieldMatches>('AutocompleteField').implement({
  description: 'Distinct values of one field among the first matching awards.',
  fields: (t) => ({
    field: t.exposeString('field'),
    values: t.exposeStringList('values'),
    count: t.int({ resolve: (m) => m.values.length }),
    matchedObjects: t.prismaField({
      type: ['Award'],
      nullable: true,
      description: 'The matching awards (when matchedObjects was requested).',
      resolve: (query, m) => (m.matchedIds ? db.award.findMany({ ...query, where: { id: { in: m.matchedIds } }, orderBy: { id: 'asc' } }) : null),
    }),
  }),
});

const PlaceRef = builder.objectRef<PlaceMatch>('PlaceMatch').implement({
  description: 'A place matching a location autocomplete, with the ids of the locations it covers.',
  fields: (t) => ({
    place: t.exposeString('place'),
    placeType: t.exposeString('placeType', {
      description: 'CONGRESSIONAL DISTRICT (XX-##), COUNTRY, STATE, CITY, COUNTY, ZIP, POSTAL CODE or PROVINCE.',
    }),
    parent: t.exposeString('parent', { nullable: true, description: 'The place above it (state of a city, country of a state...).' }),
    matchedIds: t.exposeIntList('matchedIds', { description: 'Location ids.' }),
  }),
});

builder.queryFields((t) => ({
  autocomplete: t.field({
    type: [FieldMatchesRef],
    description: 'Award field values matching a text, for search boxes.',
    args: {
      fields: t.arg.stringList({ required: true, description: 'Text field paths, e.g. ["recipient.recipientName"].' }),
      value: t.arg.string({ required: true }),
      mode: t.arg({ type: ModeEnum, required: false, defaultValue: 'contains' }),
      limit: t.arg.int({ required: false, defaultValue: 10, description: 'Matching awards looked at per field (1..500).' }),
      matchedObjects: t.arg.boolean({ required: false, defaultValue: false }),
      filter: t.arg({ type: AwardFilter, required: false }),
      dataset: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const result = await autocomplete('Award', {
        fields: args.fields,
        value: args.value,
        mode: args.mode ?? 'contains',
        limit: clampPage(1, args.limit ?? 10).limit,
        matchedObjects: Boolean(args.matchedObjects),
        filter: fromGraphqlFilter(args.filter),
        dataset: args.dataset ?? null,
      }, visibleDatasets(ctx.principal));
      return args.fields.map((field) => ({
        field,
        values: result.results[field] ?? [],
        matchedIds: result.matched ? (result.matched[field] ?? []).map((row) => (row as { id: number }).id) : null,
      }));
    },
  }),
  locationAutocomplete: t.field({
    type: [PlaceRef],
    description: 'Countries, states, cities, counties, zip and postal codes, provinces and congressional districts matching a text.',
    args: {
      value: t.arg.string({ required: true }),
      mode: t.arg({ type: ModeEnum, required: false, defaultValue: 'contains' }),
      scope: t.arg({ type: ScopeEnum, required: false, defaultValue: 'all' }),
      usage: t.arg({ type: UsageEnum, required: false, defaultValue: 'all' }),
      limit: t.arg.int({ required: false, defaultValue: 10 }),
    },
    resolve: (_root, args, ctx) =>
      locationAutocomplete({
        value: args.value,
        mode: args.mode ?? 'contains',
        scope: args.scope ?? 'all',
        usage: args.usage ?? 'all',
        limit: args.limit ?? 10,
      }, visibleDatasets(ctx.principal)),
  }),
}));
