/**
 * The closed set of error codes Aisle raises. Each code has a stable name (clients match on it),
 * an HTTP status (used only by `server/`) and a short description for the docs.
 */
export const errorCodes = {
  INVALID_ARGUMENT: { status: 400, description: 'A parameter or option has a value Aisle cannot use.' },
  VALIDATION_FAILED: { status: 400, description: 'A record or request body failed validation.' },
  UNSUPPORTED_FORMAT: { status: 400, description: 'The input format is not one Aisle reads.' },
  FILE_NOT_FOUND: { status: 404, description: 'A file or directory named by the caller does not exist.' },
  NOT_FOUND: { status: 404, description: 'The requested entity does not exist.' },
  CONFLICT: { status: 409, description: 'The request conflicts with the stored state.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The request body is larger than the configured limit.' },
  UNAUTHORIZED: { status: 401, description: 'The request carries no valid API key.' },
  FORBIDDEN: { status: 403, description: 'The API key lacks the scope this request needs.' },
  RATE_LIMITED: { status: 429, description: 'Too many requests for this API key; retry later.' },
  OVERLOADED: { status: 503, description: 'The server is shedding load; retry after the Retry-After delay.' },
  NOT_READY: {
    status: 503,
    description: 'The server cannot answer this yet (no trained model); retry after the Retry-After delay.',
  },
  STORE_UNAVAILABLE: { status: 503, description: 'The store cannot be opened or reached.' },
  STORE_SCHEMA_TOO_NEW: {
    status: 500,
    description: 'The database was written by a newer Aisle; upgrade Aisle to open it.',
  },
  CONFIG_INVALID: { status: 500, description: 'The configuration file or environment is invalid.' },
  INTERNAL: { status: 500, description: 'An unexpected internal error.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof errorCodes;

/** Extra, machine-readable facts about an error (the field, the line, the offending value …). */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * The one error type of the engine. `code` is stable, `message` says what to fix.
 *
 * @example
 * throw new AisleError('FILE_NOT_FOUND', `No such file: ${path}. Check the path or use --format.`, { path });
 */
export class AisleError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AisleError';
    this.code = code;
    this.details = details;
  }

  /** The HTTP status this error maps to. */
  get status(): number {
    return errorCodes[this.code].status;
  }
}

/** True when `error` is an AisleError, optionally of the given code. */
export function isAisleError(error: unknown, code?: ErrorCode): error is AisleError {
  return error instanceof AisleError && (code === undefined || error.code === code);
}
