import type { SessionPatch } from '#storage/store';
import {
  isEndedStatus,
  type CloseReason,
  type CustomerSessionState,
  type CustomerVia,
  type SessionBasics,
  type SessionStatus,
  type SessionView,
  type SystemInfo,
} from './session-model.ts';

/** The session as stored (one item per session; see storage/table-definition.ts). */
export interface SessionItem extends SessionBasics {
  readonly technicianId: string;
  readonly technicianUsername: string;
  readonly technicianDisplayName: string;
  readonly pinHash?: string;
  readonly customerIp?: string;
  readonly customerUserAgent?: string;
  readonly systemInfo?: SystemInfo;
  readonly appletConnectionId?: string;
  /** The PIN page's live connection (the latest tab wins). */
  readonly pageConnectionId?: string;
  readonly customerVia?: CustomerVia;
  readonly ticketHash?: string;
  readonly progressTokenHash?: string;
  readonly failedRedeemsBeforeSuccess?: number;
}

/** A typed change of a stored session: a misspelt attribute does not compile. */
export type SessionChange = SessionPatch<SessionItem>;

/**
 * Which statuses each action may leave from. Every transition is a
 * conditional write on the stored status, so two racing actors get exactly
 * one winner.
 */
export const allowedFrom = {
  generatePin: ['created', 'pending', 'expired'],
  redeem: ['pending'],
  appletConnects: ['connecting'],
  start: ['waiting'],
  chat: ['active'],
  browserJoins: ['connecting'],
  screen: ['active'],
  customerEnds: ['connecting', 'waiting', 'active'],
  close: ['created', 'pending', 'connecting', 'waiting', 'active', 'expired', 'timed_out'],
} as const satisfies Record<string, readonly SessionStatus[]>;

/** Statuses that run out by themselves, and what they become. */
export const timeouts: Partial<Record<SessionStatus, { becomes: SessionStatus; reason: CloseReason }>> = {
  pending: { becomes: 'expired', reason: 'pin_expired' },
  connecting: { becomes: 'timed_out', reason: 'connecting_timed_out' },
  waiting: { becomes: 'timed_out', reason: 'waiting_timed_out' },
};

/**
 * TTL deletion and the sweeper are both late: a session whose deadline has
 * passed is reported as expired / timed out on every read, before either runs.
 */
export function effectiveStatus(
  item: Pick<SessionItem, 'status' | 'deadlineAt'>,
  now: Date,
): {
  status: SessionStatus;
  reason?: CloseReason;
} {
  const timeout = timeouts[item.status];
  if (timeout && item.deadlineAt !== undefined && item.deadlineAt <= now.toISOString()) {
    return { status: timeout.becomes, reason: timeout.reason };
  }
  return { status: item.status };
}

export function toSessionView(item: SessionItem, now: Date): SessionView {
  const effective = effectiveStatus(item, now);
  const timedOutNow = effective.status !== item.status;
  const hasCustomer = item.redeemedAt !== undefined;
  return {
    id: item.id,
    customerName: item.customerName,
    status: effective.status,
    createdAt: item.createdAt,
    updatedAt: timedOutNow ? (item.deadlineAt ?? item.updatedAt) : item.updatedAt,
    statusChangedAt: timedOutNow ? (item.deadlineAt ?? item.statusChangedAt) : item.statusChangedAt,
    technician: { id: item.technicianId, username: item.technicianUsername, displayName: item.technicianDisplayName },
    ...(item.pinExpiresAt ? { pinExpiresAt: item.pinExpiresAt } : {}),
    ...(item.deadlineAt && !timedOutNow ? { deadlineAt: item.deadlineAt } : {}),
    ...(item.redeemedAt ? { redeemedAt: item.redeemedAt } : {}),
    ...(item.startedAt ? { startedAt: item.startedAt } : {}),
    ...(item.closedAt ? { closedAt: item.closedAt } : timedOutNow && item.deadlineAt ? { closedAt: item.deadlineAt } : {}),
    ...(item.closeReason ? { closeReason: item.closeReason } : effective.reason ? { closeReason: effective.reason } : {}),
    ...(item.verificationCode ? { verificationCode: item.verificationCode } : {}),
    ...(hasCustomer
      ? {
          customer: {
            connected:
              (item.customerVia === 'browser' ? item.pageConnectionId : item.appletConnectionId) !== undefined &&
              !isEndedStatus(effective.status),
            ...(item.customerVia ? { via: item.customerVia } : {}),
            ...(item.customerIp ? { ip: item.customerIp } : {}),
            ...(item.customerUserAgent ? { userAgent: item.customerUserAgent } : {}),
            ...(item.systemInfo ? { systemInfo: item.systemInfo } : {}),
          },
        }
      : {}),
    ...(item.failedRedeemsBeforeSuccess !== undefined ? { failedRedeemsBeforeSuccess: item.failedRedeemsBeforeSuccess } : {}),
  };
}

/** The customer's view of the session: no technician details beyond the name, nothing of other sessions. */
export function toCustomerState(item: SessionItem, now: Date): CustomerSessionState {
  return {
    id: item.id,
    status: effectiveStatus(item, now).status,
    technician: { displayName: item.technicianDisplayName },
    ...(item.verificationCode ? { verificationCode: item.verificationCode } : {}),
    ...(item.customerVia ? { via: item.customerVia } : {}),
  };
}

export function describeStatus(status: SessionStatus): string {
  return status.replace('_', ' ');
}
