import { builder } from '../builder.js';
import './dataset.js';
import './permissions.js';
import './records/index.js';
import './cubes/index.js';
import './awards/index.js';

export const schema = builder.toSchema();
