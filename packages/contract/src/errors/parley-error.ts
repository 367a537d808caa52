import { catalogue, type ErrorCode } from './catalogue.js';

export type ErrorDetails = Readonly<Record<string, string | number | boolean | null | undefined>>;

/**
 * A failure with a catalogued code. Domain code throws these with context;
 * the link, the API and the CLI turn them into their wire form.
 *
 * @example
 * throw new ParleyError('PARLEY_E_GAP', { author: 'us-js', expected: 4, got: 6 });
 */
export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(formatMessage(code, details), options);
    this.name = 'ParleyError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return catalogue[this.code].status;
  }

  /** The wire form, the same on the link, the console API and the CLI's --json. */
  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function formatMessage(code: ErrorCode, details: ErrorDetails): string {
  return catalogue[code].message.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = details[name];
    return value === undefined ? whole : String(value);
  });
}

export function isParleyError(error: unknown, code?: ErrorCode): error is ParleyError {
  return error instanceof ParleyError && (code === undefined || error.code === code);
}
