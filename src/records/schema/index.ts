import './facets.js';
import './fields.js';
import './record.js';
import './analysis.js';
import './queries.js';
import './mutations.js';
