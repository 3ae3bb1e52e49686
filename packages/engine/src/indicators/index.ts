export { sma } from './sma.js';
