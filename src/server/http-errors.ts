import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AisleError, isAisleError } from '../core/errors.js';

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/**
 * Maps errors to HTTP responses: AisleError by its code's status, Fastify's own errors (bad JSON,
 * body too large, unsupported media type) to the matching code, anything else to a logged 500.
 */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const aisleError = toAisleError(error);
  if (aisleError.code === 'INTERNAL') request.log.error({ err: error }, 'unhandled error');
  const body: ErrorBody = { error: { code: aisleError.code, message: aisleError.message } };
  if (Object.keys(aisleError.details).length > 0) body.error.details = { ...aisleError.details };
  void reply.status(aisleError.status).send(body);
}

function toAisleError(error: FastifyError | Error): AisleError {
  if (isAisleError(error)) return error;
  const fastifyError = error as FastifyError;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AisleError(
        'PAYLOAD_TOO_LARGE',
        'The request body is larger than server.bodyLimitBytes allows; send smaller batches',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AisleError('VALIDATION_FAILED', 'Send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AisleError(
        'VALIDATION_FAILED',
        'The request body is empty; send a JSON record or array of records',
      );
    default:
      if (fastifyError.statusCode === 400 || error instanceof SyntaxError) {
        return new AisleError('VALIDATION_FAILED', `The request body is not valid JSON: ${error.message}`);
      }
      if (fastifyError.statusCode === 404) return new AisleError('NOT_FOUND', error.message);
      return new AisleError('INTERNAL', 'Internal error; see the server log', {}, { cause: error });
  }
}
