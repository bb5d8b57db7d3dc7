import './dimension.js';
import './results.js';
import './cube.js';
