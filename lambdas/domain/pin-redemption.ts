import { conditions, isLostRace } from '#storage/conditions';
import { keys } from '#storage/keys';
import type { PinItem, TokenItem } from '#storage/store';
import { appletFileName } from '../../applet/server-config.ts';
import { clientKeyFor } from './client-identity.ts';
import { addSeconds, epochSeconds } from './clock.ts';
import type { Dependencies } from './dependencies.ts';
import { PinInvalid, TooManyAttempts, Unauthorized, ValidationFailed } from './errors.ts';
import { hashPin, hashToken, newOpaqueToken } from './secrets.ts';
import { actors, logEntry } from './session-log.ts';
import type { SessionStatus } from './session-model.ts';
import { allowedFrom, effectiveStatus, type SessionItem } from './session-rules.ts';
import { notifySessionChanged, applyUpdate } from './sessions.ts';

export interface CustomerClient {
  /** The client address as API Gateway reports it (or CloudFront's viewer address). */
  readonly ip: string;
  readonly userAgent?: string;
}

export interface Redemption {
  readonly sessionId: string;
  readonly technician: { readonly displayName: string };
  readonly applet: { readonly downloadUrl: string; readonly fileName: string };
  readonly progress: { readonly url: string; readonly token: string };
}

/** Accepts "123456", "123 456", "123-456"; anything else is a format error, which reveals nothing. */
export function normalizePin(input: string, digits: number): string {
  const compact = input.replace(/[\s-]/g, '');
  if (!new RegExp(`^\\d{${digits}}$`).test(compact)) {
    throw new ValidationFailed(`The PIN is ${digits} digits.`, [`pin: expected ${digits} digits`]);
  }
  return compact;
}


const PROGRESS_TOKEN_LIFETIME_SECONDS = 24 * 3600;

/** Past this many times the global budget in one window, every redeem waits for the next window. */
export const GLOBAL_CEILING_FACTOR = 10;

/**
 * Redeems a PIN: consumes it and moves its session pending -> connecting in one
 * transaction, issuing the applet ticket and the page's progress token with it.
 * Unknown, expired, replaced and already used PINs all fail the same way, by
 * the same path, and count against the client's and the global budget.
 */
export async function redeemPin(deps: Dependencies, pinInput: string, client: CustomerClient): Promise<Redemption> {
  const pin = normalizePin(pinInput, deps.config.pinDigits);
  const secret = await deps.pinSecret();
  const now = deps.clock.now();
  const nowEpoch = epochSeconds(now);
  const windowSeconds = deps.config.redeemFailureWindowSeconds;
  const window = Math.floor(nowEpoch / windowSeconds);
  const retryAfter = (window + 1) * windowSeconds - nowEpoch;
  const pinHash = hashPin(secret, pin);
  const pinKey = keys.pin(pinHash);
  const clientKey = keys.rateWindow('redeem-fail', clientKeyFor(client.ip), window);
  const globalKey = keys.rateWindow('redeem-fail', 'global', window);

  // Every attempt takes from the client's and the global budget atomically, so parallel guesses cannot
  // slip past a check-then-count; the PIN slot is read alongside (one round trip for all three), and is
  // only looked at once the attempt is allowed. A successful redeem gives both attempts back.
  const countersExpireAt = (window + 2) * windowSeconds;
  const [clientTaken, globalTaken, pinRead] = await Promise.allSettled([
    deps.store.reserveAttempt(clientKey, deps.config.redeemFailuresPerClient, countersExpireAt),
    deps.store.incrementCounter(globalKey, countersExpireAt),
    deps.store.getToken<PinItem>(pinKey),
  ]);
  if (clientTaken.status === 'rejected' || globalTaken.status === 'rejected' || pinRead.status === 'rejected') {
    // A storage fault is not a guess: give back whatever was taken before answering 503.
    await Promise.allSettled([
      ...(clientTaken.status === 'fulfilled' && clientTaken.value !== undefined ? [deps.store.transact([deps.store.counterAdjust(clientKey, -1)])] : []),
      ...(globalTaken.status === 'fulfilled' ? [deps.store.transact([deps.store.counterAdjust(globalKey, -1)])] : []),
    ]);
    throw [clientTaken, globalTaken, pinRead].find((result) => result.status === 'rejected')?.reason;
  }
  const clientAttempts = clientTaken.value;
  const globalAttempts = globalTaken.value;
  // Past the global budget the service is under a guessing attack: it does not lock everyone out, it
  // gives each client one attempt per window. A customer typing the PIN the technician read out still
  // gets in; an attacker gets one guess per address, up to a hard ceiling (docs/security.md has the bound).
  const underAttack = globalAttempts > deps.config.redeemFailuresGlobal;
  const overCeiling = globalAttempts > deps.config.redeemFailuresGlobal * GLOBAL_CEILING_FACTOR;
  if (clientAttempts === undefined || (underAttack && clientAttempts > 1) || overCeiling) {
    deps.logger.info('PIN redeem refused by rate limit', { event: 'pin_redeem_throttled', clientAttempts, globalAttempts, underAttack });
    throw new TooManyAttempts(retryAfter);
  }
  const clientFailures = clientAttempts - 1;
  const globalFailures = globalAttempts - 1;

  const refund = () =>
    Promise.allSettled([deps.store.transact([deps.store.counterAdjust(clientKey, -1), deps.store.counterAdjust(globalKey, -1)])]);
  const fail = (): never => {
    deps.logger.info('PIN redeem failed', { event: 'pin_redeem_failed', clientFailures: clientAttempts, globalFailures: globalAttempts });
    throw new PinInvalid();
  };

  const pinItem = pinRead.value;
  if (!pinItem || Number(pinItem.ttl) <= nowEpoch) return fail();

  const sessionId = String(pinItem.sessionId);
  const ticket = newOpaqueToken();
  const progressToken = newOpaqueToken();
  const ticketHash = hashToken(ticket);
  const progressTokenHash = hashToken(progressToken);
  const connectingDeadline = addSeconds(now, deps.config.connectingTimeoutSeconds).toISOString();
  const set = {
    status: 'connecting',
    redeemedAt: now.toISOString(),
    deadlineAt: connectingDeadline,
    customerIp: client.ip,
    customerUserAgent: client.userAgent?.slice(0, 512),
    ticketHash,
    progressTokenHash,
    failedRedeemsBeforeSuccess: clientFailures,
    updatedAt: now.toISOString(),
    statusChangedAt: now.toISOString(),
  };
  try {
    await deps.store.transact([
      deps.store.tokenConsume(pinKey, sessionId, nowEpoch),
      deps.store.sessionUpdate({
        sessionId,
        when: [conditions.statusIn(allowedFrom.redeem), conditions.attributeEquals('pinHash', pinHash), conditions.deadlineNotPassed(now.toISOString())],
        set,
        remove: ['pinHash'],
      }),
      // The applet's ticket is good for one connect within the connecting time-out.
      deps.store.tokenPut(keys.ticket(ticketHash), { sessionId, ttl: nowEpoch + deps.config.connectingTimeoutSeconds }, 'ticket'),
      deps.store.tokenPut(keys.progressToken(progressTokenHash), { sessionId, ttl: nowEpoch + PROGRESS_TOKEN_LIFETIME_SECONDS }, 'progress'),
      deps.store.logPut(
        sessionId,
        logEntry(now, 'pin_redeemed', actors.customer(), 'The customer entered the PIN code', {
          ip: client.ip,
          userAgent: client.userAgent?.slice(0, 512),
          failedAttemptsFromClient: clientFailures,
          failedAttemptsOverall: globalFailures,
          ...(underAttack ? { redeemedUnderAttack: true } : {}),
        }),
      ),
      deps.store.counterAdjust(clientKey, -1),
      deps.store.counterAdjust(globalKey, -1),
    ]);
  } catch (error) {
    if (isLostRace(error)) return fail();
    await refund();
    throw error;
  }

  // The transaction's conditions pinned the session to `pending` with this PIN: nothing else of it can exist yet.
  const before: SessionItem = {
    id: sessionId,
    customerName: pinItem.customerName,
    status: 'pending',
    createdAt: pinItem.createdAt,
    updatedAt: now.toISOString(),
    statusChangedAt: now.toISOString(),
    technicianId: pinItem.technicianId,
    technicianUsername: pinItem.technicianUsername,
    technicianDisplayName: pinItem.technicianDisplayName,
    pinExpiresAt: pinItem.pinExpiresAt,
  };
  await notifySessionChanged(deps, applyUpdate(before, set, ['pinHash']));
  const fileName = appletFileName(deps.config.appletFilePrefix, ticket);
  return {
    sessionId,
    technician: { displayName: pinItem.technicianDisplayName },
    applet: { downloadUrl: `/applet/${fileName}`, fileName },
    progress: { url: '/api/pin/progress', token: progressToken },
  };
}

export interface CustomerProgress {
  readonly status: SessionStatus;
  readonly technician: { readonly displayName: string };
  readonly updatedAt: string;
}

/** The one session a progress token (the customer page's bearer) belongs to; 401 for anything else. */
export async function sessionOfProgressToken(deps: Dependencies, token: string | undefined): Promise<SessionItem> {
  const invalid = new Unauthorized('This progress link is not valid. Enter your PIN again.');
  if (!token || token.length > 128) throw invalid;
  const item = await deps.store.getToken<TokenItem>(keys.progressToken(hashToken(token)));
  if (!item || Number(item.ttl) <= epochSeconds(deps.clock.now())) throw invalid;
  const session = await deps.store.getSession(item.sessionId);
  if (!session) throw invalid;
  return session;
}

/** What the customer's page may know: its one session's status, nothing more. */
export async function customerProgress(deps: Dependencies, token: string | undefined): Promise<CustomerProgress> {
  const session = await sessionOfProgressToken(deps, token);
  const now = deps.clock.now();
  return {
    status: effectiveStatus(session, now).status,
    technician: { displayName: session.technicianDisplayName },
    updatedAt: session.updatedAt,
  };
}
