import type { Hono } from 'hono';
import { permissionsFor } from '../../access/permissions.js';
import { principalOf } from '../../access/middleware.js';

export function registerAccessRoutes(app: Hono): void {
  app.get('/api/2/permissions', async (c) => {
    const dataset = c.req.query('dataset');
    // OpenSpending v2 answers a call without a dataset with 200 and a single `error` property.
    if (!dataset) return c.json({ error: 'dataset name not provided' });
    return c.json(await permissionsFor(principalOf(c), dataset));
  });
}
