/**
 * Session statuses and close reasons, as every side of the product names them.
 * Plain constants without zod, so the PIN page and the applet import them for free.
 */

export const sessionStatuses = ['created', 'pending', 'connecting', 'waiting', 'active', 'closed', 'expired', 'timed_out'] as const;

export type SessionStatus = (typeof sessionStatuses)[number];

/** Statuses a session never leaves except by `close` (which dismisses it from the list). */
export const endedStatuses: readonly SessionStatus[] = ['closed', 'expired', 'timed_out'];

/** Takes any string: a newer server's status is simply not an ended one. */
export function isEndedStatus(status: string | undefined): boolean {
  return (endedStatuses as readonly (string | undefined)[]).includes(status);
}

/** What the customer's side (PIN page, applet) can see: a session once its PIN was redeemed. */
export const customerStatuses = [
  'connecting',
  'waiting',
  'active',
  'closed',
  'expired',
  'timed_out',
] as const satisfies readonly SessionStatus[];

export type CustomerStatus = (typeof customerStatuses)[number];

export function isCustomerStatus(status: unknown): status is CustomerStatus {
  return typeof status === 'string' && (customerStatuses as readonly string[]).includes(status);
}

export const closeReasons = ['technician_closed', 'customer_ended', 'pin_expired', 'connecting_timed_out', 'waiting_timed_out'] as const;

export type CloseReason = (typeof closeReasons)[number];

/** How the customer joined: the support app, or the PIN page itself ("Continue in the browser"). */
export const customerVias = ['app', 'browser'] as const;

export type CustomerVia = (typeof customerVias)[number];
