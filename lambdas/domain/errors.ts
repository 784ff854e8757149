/**
 * The one error hierarchy of the service. Domain code throws these; the HTTP
 * and WebSocket adapters map them to `{"error": {"code", "message"}}` in one
 * place. Anything else that escapes becomes a generic `internal` error.
 */
import type { ErrorBody, ErrorCode } from '#contracts/errors';

export type { ErrorBody, ErrorCode };

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  /** Seconds a client should wait before retrying (429, 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, httpStatus: number, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.httpStatus = httpStatus;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class ValidationFailed extends DomainError {
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[] = []) {
    super('validation_failed', 400, message);
    this.issues = issues;
  }
}

export class Unauthorized extends DomainError {
  constructor(message = 'Sign in first: a valid technician token is required.') {
    super('unauthorized', 401, message);
  }
}

/** A technician's socket outlived its token: the sender is told, then the connection is closed. */
export class TokenExpired extends DomainError {
  constructor() {
    super('token_expired', 401, 'Your sign-in has expired. Sign in again to reconnect.');
  }
}

export class Forbidden extends DomainError {
  constructor(message: string) {
    super('forbidden', 403, message);
  }
}

export class MissingPermission extends Forbidden {
  readonly permission: string;
  constructor(permission: string, action: string) {
    super(`Your technician group lacks the '${permission}' permission, which is needed to ${action}.`);
    this.permission = permission;
  }
}

export class NotFound extends DomainError {
  constructor(message = 'No such session.') {
    super('not_found', 404, message);
  }
}

/** The same answer for unknown, expired and used PINs: no oracle. */
export class PinInvalid extends DomainError {
  constructor() {
    super('pin_invalid', 404, 'This PIN is not valid. Ask your technician for a new one.');
  }
}

export class InvalidTransition extends DomainError {
  constructor(message: string) {
    super('invalid_transition', 409, message);
  }
}

/** Start with a verification code that is not the one the customer sees. */
export class VerificationCodeMismatch extends DomainError {
  constructor() {
    super(
      'verification_code_mismatch',
      409,
      'The verification code does not match the one the customer sees. Ask the customer to read it again.',
    );
  }
}

export class PayloadTooLarge extends DomainError {
  constructor(limitBytes: number) {
    super('payload_too_large', 413, `The request body exceeds ${limitBytes} bytes.`);
  }
}

export class TooManyAttempts extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('too_many_attempts', 429, `Too many failed attempts. Try again in ${retryAfterSeconds} seconds.`, retryAfterSeconds);
  }
}

/** A WebSocket connection or session sent more messages than its window allows; nothing was written. */
export class TooManyMessages extends DomainError {
  constructor(message: string, retryAfterSeconds: number) {
    super('too_many_messages', 429, message, retryAfterSeconds);
  }
}

/** The session's log holds as many entries as it may; what would have been logged was refused. */
export class LogFull extends DomainError {
  constructor(limit: number) {
    super('log_full', 409, `This session's log is full (${limit} entries). Start a new session to go on.`);
  }
}

export class PinSpaceExhausted extends DomainError {
  constructor() {
    super('pin_space_exhausted', 503, 'No free PIN code could be drawn right now. Try again shortly.', 5);
  }
}

export class Unavailable extends DomainError {
  constructor(message = 'The service is temporarily unavailable. Try again shortly.', retryAfterSeconds = 2) {
    super('unavailable', 503, message, retryAfterSeconds);
  }
}

export function errorBody(error: DomainError): ErrorBody {
  const issues = error instanceof ValidationFailed && error.issues.length > 0 ? error.issues : undefined;
  return { error: { code: error.code, message: error.message, ...(issues ? { issues } : {}) } };
}

export const internalErrorBody: ErrorBody = {
  error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' },
};
