/**
 * The session as clients see it (HTTP responses, `session.updated` events):
 * declared once in contracts/, which the console, the PIN page and the applet
 * import too. Re-exported here so domain code keeps one import for its model.
 */
export { closeReasons, customerVias, endedStatuses, isEndedStatus, sessionStatuses } from '#contracts/statuses';
export type { CloseReason, CustomerVia, SessionStatus } from '#contracts/statuses';
export { logEventTypes } from '#contracts/schemas/session';
export type { CustomerSessionState, LogEventType, SessionLogEntry, SessionView, SystemInfo } from '#contracts/schemas/session';
export type { ServerMessage } from '#contracts/schemas/websocket';

import type { SessionView } from '#contracts/schemas/session';

/** What the stored session and the clients' view of it share. */
export type SessionBasics = Pick<
  SessionView,
  | 'id'
  | 'customerName'
  | 'status'
  | 'createdAt'
  | 'updatedAt'
  | 'statusChangedAt'
  | 'pinExpiresAt'
  | 'deadlineAt'
  | 'redeemedAt'
  | 'startedAt'
  | 'closedAt'
  | 'closeReason'
  | 'verificationCode'
>;
