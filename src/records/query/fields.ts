export type FieldType = 'text' | 'int' | 'double' | 'date' | 'datetime' | 'geo_point_2d' | 'geo_shape';

export const FIELD_TYPES: readonly FieldType[] = ['text', 'int', 'double', 'date', 'datetime', 'geo_point_2d', 'geo_shape'];

export interface FieldDef {
  name: string;
  label: string | null;
  type: FieldType;
  annotations: Record<string, unknown>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const LATLON = /^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$/;
const INT = /^-?(0|[1-9]\d{0,15})$/;
const DOUBLE = /^-?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/;

const GEOJSON_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

/** A GeoJSON geometry written as text (`{"type": "Polygon", "coordinates": …}`), else null. */
export function geoJsonOf(text: string): object | null {
  try {
    const value = JSON.parse(text) as { type?: unknown; coordinates?: unknown; geometries?: unknown } | null;
    if (!value || typeof value !== 'object' || typeof value.type !== 'string' || !GEOJSON_TYPES.has(value.type)) return null;
    return Array.isArray(value.coordinates) || Array.isArray(value.geometries) ? value : null;
  } catch {
    return null;
  }
}

/** Accumulates what the values of one field look like and names the narrowest type that fits all of them. */
export class TypeGuess {
  private int = true;
  private double = true;
  private date = true;
  private datetime = true;
  private geo = true;
  private shape = true;
  private seen = 0;

  add(value: unknown): void {
    if (value === null || value === undefined || value === '') return;
    this.seen += 1;
    if (Array.isArray(value)) {
      this.int = this.double = this.date = this.datetime = this.shape = false;
      if (!(value.length === 2 && value.every((v) => typeof v === 'number'))) this.geo = false;
      return;
    }
    if (!(this.fromCsv && typeof value === 'string' && LATLON.test(value))) this.geo = false;
    // ODS CSV exports write geo_shape fields as GeoJSON text.
    if (this.fromCsv && typeof value === 'string' && value.startsWith('{')) value = geoJsonOf(value) ?? value;
    if (typeof value === 'object') {
      this.int = this.double = this.date = this.datetime = false;
      if (typeof (value as { type?: unknown }).type !== 'string') this.shape = false;
      return;
    }
    this.shape = false;
    if (typeof value === 'number') {
      this.date = this.datetime = false;
      if (!Number.isInteger(value)) this.int = false;
      return;
    }
    const s = String(value);
    if (typeof value === 'string') {
      // Values kept as JSON strings by the source stay text (codes such as "0801" or ids).
      this.int = this.int && this.fromCsv && INT.test(s);
      this.double = this.double && this.fromCsv && DOUBLE.test(s) && !/^-?0\d/.test(s);
    }
    if (!DATE.test(s)) this.date = false;
    if (!DATETIME.test(s)) this.datetime = false;
  }

  constructor(private readonly fromCsv = false) {}

  type(): FieldType {
    if (this.seen === 0) return 'text';
    if (this.geo) return 'geo_point_2d';
    if (this.shape) return 'geo_shape';
    if (this.int) return 'int';
    if (this.double) return 'double';
    if (this.date) return 'date';
    if (this.datetime) return 'datetime';
    return 'text';
  }
}

/** Converts a CSV cell to the JSON value stored for a field of the given type. */
export function coerce(value: string, type: FieldType): unknown {
  if (value === '') return undefined;
  switch (type) {
    case 'int':
    case 'double':
      return Number(value);
    case 'geo_point_2d': {
      const [lat, lon] = value.split(',').map((v) => Number(v.trim()));
      return lat !== undefined && lon !== undefined && Number.isFinite(lat) && Number.isFinite(lon) ? [lat, lon] : undefined;
    }
    case 'geo_shape':
      return JSON.parse(value) as unknown;
    default:
      return value;
  }
}

/** A field name from a column label: "Country name EN" -> "country_name_en". */
export function fieldNameOf(label: string): string {
  const name = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(name) ? name : `f_${name}`;
}
