export { catalogue, type ErrorCode, type ErrorSpec, errorCodes } from './catalogue.js';
export { type ErrorDetails, formatMessage, isParleyError, ParleyError } from './parley-error.js';
