/**
 * Sizes the service enforces, so that clients can refuse what it would refuse
 * before sending it. Plain constants without zod.
 */

/** One chat line, after trimming. */
export const maxChatLength = 4000;

/** The customer name a technician types for "New session". */
export const maxCustomerNameLength = 100;

/** A PIN code: six digits. Longer bodies are refused before any lookup. */
export const pinPattern = /^[0-9]{6}$/;
export const maxPinInputLength = 32;

/** Two digits both sides read aloud before Start. */
export const verificationCodePattern = /^[0-9]{2}$/;

/** One page of a session's log (`GET /api/sessions/{id}/log?limit=`). */
export const logPage = { defaultLimit: 100, maxLimit: 200 } as const;

/**
 * API Gateway refuses WebSocket frames over 32 KB; an SDP with its gathered
 * candidates (no trickle) stays well under this, and the rest of the frame
 * (action, session id, JSON quoting) fits in what is left.
 */
export const maxSdpLength = 24_000;
export const maxFrameBytes = 32 * 1024;
