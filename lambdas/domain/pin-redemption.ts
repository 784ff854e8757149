import { patched, type CounterRef } from '#storage/store';
import { appletFileName, type DownloadPlatform } from '#contracts/downloads';
import { clientKeyFor } from './client-identity.ts';
import { addSeconds, epochSeconds } from './clock.ts';
import type { AppletDownloadSize } from './config.ts';
import type { Dependencies } from './dependencies.ts';
import { PinInvalid, TooManyAttempts, Unauthorized, ValidationFailed } from './errors.ts';
import { hashPin, hashToken, newOpaqueToken } from './secrets.ts';
import { actors, logEntry } from './session-log.ts';
import type { SessionStatus } from './session-model.ts';
import { allowedFrom, effectiveStatus, type SessionChange, type SessionItem } from './session-rules.ts';
import { notifySessionChanged } from './sessions.ts';

export interface CustomerClient {
  /** The client address as API Gateway reports it (or CloudFront's viewer address). */
  readonly ip: string;
  readonly userAgent?: string;
}

export interface AppletDownload {
  readonly platform: DownloadPlatform;
  /** Carries the ticket: the app reads it back from its own name. */
  readonly fileName: string;
  /** Same origin as the page. */
  readonly downloadUrl: string;
  readonly bytes: number;
}

/**
 * Every system's download for one ticket. The Node.js script keeps its old
 * place, `/applet/<name>.cjs`; the apps live under `/applet/<platform>/`,
 * because `RemoteSupport_<ticket>` alone does not say which system it is for.
 */
export function appletDownloads(prefix: string, ticket: string, sizes: readonly AppletDownloadSize[]): AppletDownload[] {
  return sizes.map(({ platform, bytes }) => {
    const fileName = appletFileName(prefix, ticket, platform);
    return { platform, fileName, downloadUrl: platform === 'node' ? `/applet/${fileName}` : `/applet/${platform}/${fileName}`, bytes };
  });
}

export interface Redemption {
  readonly sessionId: string;
  readonly technician: { readonly displayName: string };
  /** The Node.js script (kept for clients of the first version); `downloads` has every system. */
  readonly applet: { readonly downloadUrl: string; readonly fileName: string; readonly downloads: readonly AppletDownload[] };
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
export const GLOBAL_CEILING_FACTOR = 5;

type RefusalReason = 'client_budget_spent' | 'under_attack' | 'global_ceiling';

/** Client keys (and "the ceiling") refused in the current window, as one warm function has seen them. */
interface Refusals {
  readonly window: number;
  count: number;
}

/** Bounds the memory a flood from many addresses can take in one warm function. */
const REMEMBERED_REFUSALS = 10_000;
const CEILING = 'global ceiling';

// Per store, so every table (and every test's dependencies) has its own; in a Lambda, one per cold start.
const refusalsByStore = new WeakMap<object, Map<string, Refusals>>();

function refusalsOf(deps: Dependencies): Map<string, Refusals> {
  let refusals = refusalsByStore.get(deps.store);
  if (!refusals) {
    refusals = new Map();
    refusalsByStore.set(deps.store, refusals);
  }
  return refusals;
}

/**
 * Remembers the refusal until the window ends, so the key's further requests are answered from memory
 * without a DynamoDB call, and logs the 1st, 10th, 100th, ... refusal of a key per window: a flood
 * costs a handful of log lines, not one per request.
 */
function refused(
  deps: Dependencies,
  retryAfterSeconds: number,
  window: number,
  refusedKey: string,
  reason: RefusalReason,
): TooManyAttempts {
  const refusals = refusalsOf(deps);
  const known = refusals.get(refusedKey);
  const entry = known && known.window === window ? known : { window, count: 0 };
  entry.count += 1;
  if (known !== entry) {
    refusals.delete(refusedKey);
    if (refusals.size >= REMEMBERED_REFUSALS) refusals.delete(refusals.keys().next().value ?? '');
    refusals.set(refusedKey, entry);
  }
  if (Number.isInteger(Math.log10(entry.count))) {
    deps.logger.info('PIN redeem refused by rate limit', { event: 'pin_redeem_throttled', reason, refusalsThisWindow: entry.count });
  }
  return new TooManyAttempts(retryAfterSeconds);
}

function refusedBefore(deps: Dependencies, window: number, clientKey: string): string | undefined {
  const refusals = refusalsOf(deps);
  if (refusals.get(CEILING)?.window === window) return CEILING;
  return refusals.get(clientKey)?.window === window ? clientKey : undefined;
}

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
  const clientIdentity = clientKeyFor(client.ip);
  const clientKey: CounterRef = { scope: 'redeem-fail', subject: clientIdentity, window };
  const globalKey: CounterRef = { scope: 'redeem-fail', subject: 'global', window };

  const knownRefusal = refusedBefore(deps, window, clientIdentity);
  if (knownRefusal)
    throw refused(deps, retryAfter, window, knownRefusal, knownRefusal === CEILING ? 'global_ceiling' : 'client_budget_spent');

  // Every attempt first takes one from the client's budget atomically, so parallel guesses cannot slip
  // past a check-then-count; the global counter and the PIN slot are read alongside (one round trip for
  // all three). Only an attempt the client was allowed to make then takes from the global budget, so one
  // client key adds at most its own budget there, however many requests it sends. A successful redeem
  // gives both attempts back.
  const countersExpireAt = (window + 2) * windowSeconds;
  const [clientTaken, globalRead, pinRead] = await Promise.allSettled([
    deps.store.reserveAttempt(clientKey, deps.config.redeemFailuresPerClient, countersExpireAt),
    deps.store.readCounter(globalKey),
    deps.store.getPin(pinHash),
  ]);
  const giveBackClientAttempt = () => Promise.allSettled([deps.store.adjustCounters([{ counter: clientKey, by: -1 }])]);
  if (clientTaken.status === 'rejected' || globalRead.status === 'rejected' || pinRead.status === 'rejected') {
    // A storage fault is not a guess: give back whatever was taken before answering 503.
    if (clientTaken.status === 'fulfilled' && clientTaken.value !== undefined) await giveBackClientAttempt();
    throw [clientTaken, globalRead, pinRead].find((result) => result.status === 'rejected')?.reason;
  }
  const clientAttempts = clientTaken.value;
  if (clientAttempts === undefined) throw refused(deps, retryAfter, window, clientIdentity, 'client_budget_spent');
  // Past the global budget the service is under a guessing attack: it does not lock everyone out, it
  // gives each client one attempt per window. A customer typing the PIN the technician read out still
  // gets in; an attacker gets one guess per address, up to a hard ceiling (docs/security.md has the bound).
  const underAttack = globalRead.value >= deps.config.redeemFailuresGlobal;
  if (underAttack && clientAttempts > 1) throw refused(deps, retryAfter, window, clientIdentity, 'under_attack');
  const ceiling = deps.config.redeemFailuresGlobal * GLOBAL_CEILING_FACTOR;
  const globalTaken = await deps.store.reserveAttempt(globalKey, ceiling, countersExpireAt).catch(async (error: unknown) => {
    await giveBackClientAttempt();
    throw error;
  });
  if (globalTaken === undefined) throw refused(deps, retryAfter, window, CEILING, 'global_ceiling');
  const globalAttempts = globalTaken;
  const clientFailures = clientAttempts - 1;
  const globalFailures = globalAttempts - 1;

  const refund = () =>
    Promise.allSettled([
      deps.store.adjustCounters([
        { counter: clientKey, by: -1 },
        { counter: globalKey, by: -1 },
      ]),
    ]);
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
  const change: SessionChange = {
    set: {
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
    },
    remove: ['pinHash'],
  };
  const result = await deps.store
    .transition({
      sessionId,
      expected: { status: allowedFrom.redeem, attributes: { pinHash }, deadlineNotPassedAt: now.toISOString() },
      patch: change,
      log: logEntry(now, 'pin_redeemed', actors.customer(), 'The customer entered the PIN code', {
        ip: client.ip,
        userAgent: client.userAgent?.slice(0, 512),
        failedAttemptsFromClient: clientFailures,
        failedAttemptsOverall: globalFailures,
        ...(underAttack ? { redeemedUnderAttack: true } : {}),
      }),
      with: [
        { write: 'consume-token', token: { kind: 'pin', hash: pinHash }, nowEpoch },
        // The applet's ticket is good for one connect within the connecting time-out.
        {
          write: 'put-token',
          token: { kind: 'ticket', hash: ticketHash },
          item: { sessionId, ttl: nowEpoch + deps.config.connectingTimeoutSeconds },
        },
        {
          write: 'put-token',
          token: { kind: 'progress', hash: progressTokenHash },
          item: { sessionId, ttl: nowEpoch + PROGRESS_TOKEN_LIFETIME_SECONDS },
        },
        { write: 'adjust-counter', counter: clientKey, by: -1 },
        { write: 'adjust-counter', counter: globalKey, by: -1 },
      ],
    })
    .catch(async (error: unknown) => {
      await refund();
      throw error;
    });
  if (result.outcome !== 'won') return fail();

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
  await notifySessionChanged(deps, patched(before, change));
  const fileName = appletFileName(deps.config.appletFilePrefix, ticket);
  return {
    sessionId,
    technician: { displayName: pinItem.technicianDisplayName },
    applet: {
      downloadUrl: `/applet/${fileName}`,
      fileName,
      downloads: appletDownloads(deps.config.appletFilePrefix, ticket, deps.config.appletDownloads),
    },
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
  const item = await deps.store.getToken({ kind: 'progress', hash: hashToken(token) });
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
