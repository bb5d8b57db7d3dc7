import { builder } from './builder.js';
import './catalog/schema/dataset.js';
import './catalog/schema/permissions.js';
import './records/schema/index.js';
import './cubes/schema/index.js';
import './awards/schema/index.js';

export const schema = builder.toSchema();
