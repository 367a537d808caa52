export * from './charter/index.js';
export { errorsMarkdown } from './docs/errors-doc.js';
export { evidenceJsonSchema } from './docs/evidence-schema.js';
export * from './entries/index.js';
export * from './errors/index.js';
export * from './evidence/index.js';
export * from './header/index.js';
export { limits } from './limits.js';
