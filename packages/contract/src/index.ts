export * from './errors/index.js';
export { limits } from './limits.js';
