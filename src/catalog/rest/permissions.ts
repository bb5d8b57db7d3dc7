import type { Hono } from 'hono';
import { permissionsFor } from '../../access/permissions.js';
import { principalOf } from '../../access/middleware.js';

export function registerAccessRoutes(app: Hono): void {
  app.get('/api/2/permissions', async (c) => {
    const dataset = c.req.query('dataset');
    if (!dataset) return c.json({ errors: ['dataset name not provided'] }, 400);
    return c.json(await permissionsFor(principalOf(c), dataset));
  });
}
