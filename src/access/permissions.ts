import { db } from '../db.js';
import { permissionsOn, type Principal } from './principal.js';

export async function permissionsFor(principal: Principal, name: string) {
  const dataset = await db.dataset.findUnique({ where: { name }, select: { name: true, private: true } });
  return permissionsOn(principal, dataset);
}
