import { readFileSync } from 'node:fs';
import { samplePath } from './fixture.js';

/** The bundled export, read whole here only to derive expected answers. */
export interface OdsRecord {
  recordid: string;
  fields: Record<string, unknown> & { name: string; population: number; coordinates: [number, number]; modification_date: string };
}

export const exported: OdsRecord[] = JSON.parse(readFileSync(samplePath('geonames-pl-ods-v1-export.json'), 'utf8')) as OdsRecord[];

export function countBy(key: (r: OdsRecord) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of exported) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  return counts;
}

export function meters(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(a));
}
