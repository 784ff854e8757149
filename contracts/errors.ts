/**
 * The error codes of `{"error": {"code", "message"}}`, over HTTP and the WebSocket alike.
 * Plain constants without zod, so every client can import them.
 */

export const errorCodes = [
  'validation_failed',
  'unauthorized',
  'token_expired',
  'forbidden',
  'not_found',
  'pin_invalid',
  'invalid_transition',
  'verification_code_mismatch',
  'payload_too_large',
  'too_many_attempts',
  'too_many_messages',
  'log_full',
  'pin_space_exhausted',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly issues?: readonly string[] };
}
