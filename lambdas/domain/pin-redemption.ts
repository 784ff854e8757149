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
import { allowedFrom, effectiveStatus } from './session-rules.ts';
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

/**
 * Redeems a PIN: consumes it and moves its session pending -> connecting in one
 * transaction, issuing the applet ticket and the page's progress token with it.
 * Unknown, expired, replaced and already used PINs all fail the same way, by
 * the same path, and count against the client's and the global failure budget.
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

  const found = await deps.store.getMany([pinKey, clientKey, globalKey]);
  const count = (key: { pk: string; sk: string }) => Number(found.get(`${key.pk}|${key.sk}`)?.count ?? 0);
  const clientFailures = count(clientKey);
  const globalFailures = count(globalKey);
  // Past the global budget the service is under a guessing attack: it does not lock everyone out,
  // it gives each client one attempt per window. A customer typing the PIN the technician read out
  // still gets in; an attacker gets one guess per address (see docs/security.md for the bound).
  const underAttack = globalFailures >= deps.config.redeemFailuresGlobal;
  const clientLimit = underAttack ? 1 : deps.config.redeemFailuresPerClient;
  if (clientFailures >= clientLimit) {
    deps.logger.info('PIN redeem refused by rate limit', { event: 'pin_redeem_throttled', clientFailures, globalFailures, underAttack });
    throw new TooManyAttempts(retryAfter);
  }

  const fail = async (): Promise<never> => {
    const expiresAt = (window + 2) * windowSeconds;
    const [clientCount, globalCount] = await Promise.all([
      deps.store.incrementCounter(clientKey, expiresAt),
      deps.store.incrementCounter(globalKey, expiresAt),
    ]);
    deps.logger.info('PIN redeem failed', { event: 'pin_redeem_failed', clientFailures: clientCount, globalFailures: globalCount });
    throw new PinInvalid();
  };

  const pinItem = found.get(`${pinKey.pk}|${pinKey.sk}`) as (PinItem & Record<string, unknown>) | undefined;
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
  const pinCondition = conditions.notExpiredAt(nowEpoch);
  try {
    await deps.store.transact([
      {
        Delete: {
          TableName: deps.store.table.name,
          Key: pinKey,
          ConditionExpression: `${pinCondition.expression} AND sessionId = :sessionId`,
          ExpressionAttributeNames: pinCondition.names,
          ExpressionAttributeValues: { ...pinCondition.values, ':sessionId': sessionId },
        },
      },
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
    ]);
  } catch (error) {
    if (isLostRace(error)) return fail();
    throw error;
  }

  const session = await deps.store.getSession(sessionId);
  if (session) await notifySessionChanged(deps, applyUpdate(session, {}, []));
  const fileName = appletFileName(deps.config.appletFilePrefix, ticket);
  return {
    sessionId,
    technician: { displayName: String(pinItem.technicianDisplayName ?? session?.technicianDisplayName ?? '') },
    applet: { downloadUrl: `/applet/${fileName}`, fileName },
    progress: { url: '/api/pin/progress', token: progressToken },
  };
}

export interface CustomerProgress {
  readonly status: SessionStatus;
  readonly technician: { readonly displayName: string };
  readonly updatedAt: string;
}

/** What the customer's page may know: its one session's status, nothing more. */
export async function customerProgress(deps: Dependencies, token: string | undefined): Promise<CustomerProgress> {
  const invalid = new Unauthorized('This progress link is not valid. Enter your PIN again.');
  if (!token || token.length > 128) throw invalid;
  const now = deps.clock.now();
  const item = await deps.store.getToken<TokenItem>(keys.progressToken(hashToken(token)));
  if (!item || Number(item.ttl) <= epochSeconds(now)) throw invalid;
  const session = await deps.store.getSession(item.sessionId);
  if (!session) throw invalid;
  return {
    status: effectiveStatus(session, now).status,
    technician: { displayName: session.technicianDisplayName },
    updatedAt: session.updatedAt,
  };
}
