import './dimension.js';
import './results.js';
import './cube.js';
import './tax-share.js';
