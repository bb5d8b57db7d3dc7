import './dimension.js';
import './cube.js';
