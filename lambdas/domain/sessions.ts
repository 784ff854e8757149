import { createHash, randomUUID } from 'node:crypto';
import { patched, type TransitionResult } from '#storage/store';
import { logPage } from '#contracts/limits';
import { addSeconds, epochSeconds } from './clock.ts';
import type { Dependencies } from './dependencies.ts';
import { InvalidTransition, MissingPermission, NotFound, PinSpaceExhausted, ValidationFailed, VerificationCodeMismatch } from './errors.ts';
import { recordDenial } from './message-limits.ts';
import { drawPin, hashPin, sealForLog } from './secrets.ts';
import { actors, logEntry, revealPins } from './session-log.ts';
import type { CloseReason, SessionLogEntry, SessionStatus, SessionView } from './session-model.ts';
import {
  allowedFrom,
  describeStatus,
  effectiveStatus,
  toCustomerState,
  toSessionView,
  type SessionChange,
  type SessionItem,
} from './session-rules.ts';
import type { Technician } from './technician.ts';

/** A transition that did not win: the session changed or vanished, or a token or slot it needed was taken. */
export function lost(result: TransitionResult): boolean {
  return result.outcome !== 'won';
}

/**
 * Loads a session the technician owns. A foreign session looks exactly like a
 * missing one (no way to probe other technicians' ids), and the attempt is
 * written to that session's log.
 */
export async function loadOwnedSession(
  deps: Dependencies,
  technician: Technician,
  sessionId: string,
  action: string,
): Promise<SessionItem> {
  const session = await deps.store.getSession(sessionId);
  if (!session || session.technicianId !== technician.id) {
    // One transaction either way (the denial budget, plus the entry for a foreign session), so a foreign
    // id answers in the time a missing one does, and probing writes a bounded number of entries.
    await recordDenial(
      deps,
      sessionId,
      session &&
        logEntry(
          deps.clock.now(),
          'denied',
          actors.technician(technician),
          `Denied: ${technician.username} tried to ${action} a session of another technician`,
          {
            technicianId: technician.id,
            action,
          },
        ),
    );
    throw new NotFound();
  }
  return session;
}

async function requireOrLogDenied(
  deps: Dependencies,
  technician: Technician,
  session: SessionItem,
  needed: Parameters<Dependencies['permissions']['require']>[1],
  action: string,
): Promise<void> {
  try {
    await deps.permissions.require(technician, needed, action);
  } catch (error) {
    if (error instanceof MissingPermission) {
      await recordDenial(
        deps,
        session.id,
        logEntry(
          deps.clock.now(),
          'denied',
          actors.technician(technician),
          `Denied: ${action} needs the '${error.permission}' permission`,
          {
            permission: error.permission,
          },
        ),
      );
    }
    throw error;
  }
}

/** The technician's consoles get the whole session; the customer's live page only its own narrow state. */
export async function notifySessionChanged(deps: Dependencies, session: SessionItem): Promise<void> {
  const now = deps.clock.now();
  await Promise.all([
    deps.notifier.toTechnician(session.technicianId, { type: 'session.updated', session: toSessionView(session, now) }),
    session.pageConnectionId
      ? deps.notifier.toConnection(session.pageConnectionId, { type: 'session.state', session: toCustomerState(session, now) })
      : undefined,
  ]);
}

function invalidTransition(action: string, status: SessionStatus): InvalidTransition {
  return new InvalidTransition(`Cannot ${action}: the session is ${describeStatus(status)}.`);
}

/** A retried create with the same Idempotency-Key lands on the same session id, and so on the create-only condition. */
function sessionIdFor(technician: Technician, idempotencyKey: string | undefined): string {
  if (!idempotencyKey) return randomUUID();
  const hex = createHash('sha256').update(`${technician.id}\n${idempotencyKey}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function createSession(
  deps: Dependencies,
  technician: Technician,
  customerName: string,
  idempotencyKey?: string,
): Promise<SessionView> {
  await deps.permissions.require(technician, ['privateSessions'], 'create a private session');
  const now = deps.clock.now();
  const at = now.toISOString();
  const session: SessionItem = {
    id: sessionIdFor(technician, idempotencyKey),
    customerName,
    status: 'created',
    createdAt: at,
    updatedAt: at,
    statusChangedAt: at,
    technicianId: technician.id,
    technicianUsername: technician.username,
    technicianDisplayName: technician.displayName,
  };
  const inserted = await deps.store.insertSession(
    session,
    logEntry(now, 'created', actors.technician(technician), `Session created for "${customerName}"`),
  );
  if (inserted === 'exists') {
    // A random id never collides; a derived one does when the same create is retried.
    if (!idempotencyKey) throw new Error(`session id ${session.id} is already taken`);
    const existing = await deps.store.getSession(session.id);
    if (existing && existing.technicianId === technician.id && existing.customerName === customerName) return toSessionView(existing, now);
    throw new ValidationFailed('This Idempotency-Key was already used for a different session.', ['Idempotency-Key: reused']);
  }
  await notifySessionChanged(deps, session);
  return toSessionView(session, now);
}

export interface GeneratedPin {
  readonly pin: string;
  readonly expiresAt: string;
  readonly session: SessionView;
}

/**
 * Draws a fresh PIN and makes it the session's only valid one. The PIN slot is
 * claimed with a conditional put (free, or held by an expired PIN); a taken
 * slot means a fresh draw, up to `pinMaxDraws`, then 503.
 */
export async function generatePin(deps: Dependencies, technician: Technician, sessionId: string): Promise<GeneratedPin> {
  const session = await loadOwnedSession(deps, technician, sessionId, 'create a PIN code for');
  await requireOrLogDenied(deps, technician, session, ['privateSessions', 'pinCode'], 'creating a PIN code');
  const current = effectiveStatus(session, deps.clock.now()).status;
  if (!(allowedFrom.generatePin as readonly string[]).includes(current)) throw invalidTransition('create a PIN code', current);

  const secret = await deps.pinSecret();
  for (let draw = 1; draw <= deps.config.pinMaxDraws; draw += 1) {
    const now = deps.clock.now();
    const pin = drawPin(deps.config.pinDigits);
    const pinHash = hashPin(secret, pin);
    const expiresAt = addSeconds(now, deps.config.pinValiditySeconds);
    const change: SessionChange = {
      set: {
        status: 'pending',
        pinHash,
        pinExpiresAt: expiresAt.toISOString(),
        deadlineAt: expiresAt.toISOString(),
        updatedAt: now.toISOString(),
        statusChangedAt: now.toISOString(),
      },
      remove: ['closedAt', 'closeReason'],
    };
    const result = await deps.store.transition({
      sessionId,
      expected: { status: allowedFrom.generatePin, attributes: { technicianId: technician.id, pinHash: session.pinHash } },
      patch: change,
      log: logEntry(now, session.pinHash ? 'pin_replaced' : 'pin_generated', actors.technician(technician), 'PIN code created', {
        pinSealed: sealForLog(secret, pin),
        expiresAt: expiresAt.toISOString(),
        ...(session.pinHash ? { replacesPrevious: true } : {}),
      }),
      with: [
        {
          write: 'claim-pin',
          pinHash,
          // What redeem needs to answer and to push the change without reading the session back.
          item: {
            sessionId,
            customerName: session.customerName,
            createdAt: session.createdAt,
            technicianId: session.technicianId,
            technicianUsername: session.technicianUsername,
            technicianDisplayName: session.technicianDisplayName,
            pinExpiresAt: expiresAt.toISOString(),
            ttl: epochSeconds(expiresAt),
          },
          nowEpoch: epochSeconds(now),
        },
      ],
    });
    if (result.outcome === 'gone' || (result.outcome === 'lost' && result.because === 'session')) {
      throw new InvalidTransition('The session changed while the PIN code was being created. Reload it and try again.');
    }
    // A taken slot (or a concurrent write on it) means a fresh draw.
    if (result.outcome === 'lost') continue;
    if (session.pinHash) {
      // The replaced PIN is already dead (redeem requires the session's current hash); this frees its slot early.
      await deps.store.releaseToken({ kind: 'pin', hash: session.pinHash }, sessionId);
    }
    const updated = patched(session, change);
    await notifySessionChanged(deps, updated);
    return { pin, expiresAt: expiresAt.toISOString(), session: toSessionView(updated, now) };
  }
  deps.logger.warn('PIN space exhausted', { event: 'pin_space_exhausted', draws: deps.config.pinMaxDraws });
  throw new PinSpaceExhausted();
}

/**
 * Where the technician's group asks for it, Start carries the two digits the
 * customer reads out: someone who guessed a PIN cannot be started into.
 */
async function checkVerificationCode(
  deps: Dependencies,
  technician: Technician,
  session: SessionItem,
  given: string | undefined,
): Promise<void> {
  if (given === undefined && !(await deps.permissions.requiresVerificationCode(technician))) return;
  if (given !== undefined && given === session.verificationCode) return;
  await deps.store.appendLog(
    session.id,
    logEntry(
      deps.clock.now(),
      'verification_failed',
      actors.technician(technician),
      given === undefined ? 'Start refused: the verification code is required' : 'Start refused: the verification code did not match',
    ),
  );
  throw new VerificationCodeMismatch();
}

export async function startSession(
  deps: Dependencies,
  technician: Technician,
  sessionId: string,
  verificationCode?: string,
): Promise<SessionView> {
  const session = await loadOwnedSession(deps, technician, sessionId, 'start');
  const now = deps.clock.now();
  const current = effectiveStatus(session, now).status;
  if (current !== 'waiting') throw invalidTransition('start the session', current);
  await checkVerificationCode(deps, technician, session, verificationCode);
  const change: SessionChange = {
    set: { status: 'active', startedAt: now.toISOString(), updatedAt: now.toISOString(), statusChangedAt: now.toISOString() },
    remove: ['deadlineAt'],
  };
  const result = await deps.store.transition({
    sessionId,
    expected: { status: allowedFrom.start, attributes: { technicianId: technician.id }, deadlineNotPassedAt: now.toISOString() },
    patch: change,
    log: logEntry(now, 'started', actors.technician(technician), `${technician.displayName} started the session`),
  });
  if (lost(result)) throw new InvalidTransition('Cannot start the session: it was changed at the same moment (already started or closed).');
  const updated = patched(session, change);
  await Promise.all([
    notifySessionChanged(deps, updated),
    updated.appletConnectionId
      ? deps.notifier.toConnection(updated.appletConnectionId, {
          type: 'session.started',
          sessionId,
          technician: { displayName: updated.technicianDisplayName },
        })
      : Promise.resolve(true),
  ]);
  return toSessionView(updated, now);
}

/** Ends a session for good, from any status but closed; used by the technician and the customer. */
export async function finishSession(
  deps: Dependencies,
  session: SessionItem,
  reason: CloseReason,
  actor: SessionLogEntry['actor'],
  fromStatuses: readonly SessionStatus[],
  /** The technician who must still own the session, when a technician closes it. */
  owner?: string,
): Promise<SessionItem> {
  const now = deps.clock.now();
  const effective = effectiveStatus(session, now);
  if (!fromStatuses.includes(session.status)) throw invalidTransition('close the session', effective.status);
  const closeReason = session.closeReason ?? effective.reason ?? reason;
  const change: SessionChange = {
    set: {
      status: 'closed',
      closedAt: session.closedAt ?? now.toISOString(),
      closeReason,
      updatedAt: now.toISOString(),
      statusChangedAt: now.toISOString(),
    },
    remove: ['deadlineAt', 'pinHash', 'ticketHash'],
  };
  const who = actor.kind === 'customer' ? 'The customer' : (actor.name ?? 'The technician');
  const result = await deps.store.transition({
    sessionId: session.id,
    expected: { status: [session.status], ...(owner !== undefined ? { attributes: { technicianId: owner } } : {}) },
    patch: change,
    log: logEntry(now, 'closed', actor, `${who} closed the session`, { reason: closeReason }),
    with: [
      ...(session.ticketHash ? [{ write: 'delete-token', token: { kind: 'ticket', hash: session.ticketHash } } as const] : []),
      ...(session.pinHash ? [{ write: 'delete-token', token: { kind: 'pin', hash: session.pinHash } } as const] : []),
    ],
    unlist: true,
  });
  if (lost(result)) throw new InvalidTransition('Cannot close the session: it was changed at the same moment.');
  const updated = patched(session, change);
  await Promise.all([
    notifySessionChanged(deps, updated),
    session.appletConnectionId
      ? deps.notifier.toConnection(session.appletConnectionId, { type: 'session.closed', sessionId: session.id, reason: closeReason })
      : Promise.resolve(true),
  ]);
  return updated;
}

export async function closeSession(deps: Dependencies, technician: Technician, sessionId: string): Promise<SessionView> {
  const session = await loadOwnedSession(deps, technician, sessionId, 'close');
  const closed = await finishSession(deps, session, 'technician_closed', actors.technician(technician), allowedFrom.close, technician.id);
  return toSessionView(closed, deps.clock.now());
}

export async function listSessions(deps: Dependencies, technician: Technician): Promise<SessionView[]> {
  const now = deps.clock.now();
  const items = await deps.store.listOpenSessions(technician.id);
  return items.map((item) => toSessionView(item, now));
}

export async function getSession(deps: Dependencies, technician: Technician, sessionId: string): Promise<SessionView> {
  return toSessionView(await loadOwnedSession(deps, technician, sessionId, 'view'), deps.clock.now());
}

export async function getSessionLog(deps: Dependencies, technician: Technician, sessionId: string): Promise<SessionLogEntry[]> {
  const session = await loadOwnedSession(deps, technician, sessionId, 'read the log of');
  const [entries, secret] = await Promise.all([deps.store.readLog(sessionId), deps.pinSecret()]);
  return revealPins([...entries, ...unsweptEnding(deps, session)], secret);
}

/** A timeout the sweeper has not finalized yet still belongs in the log the technician reads; it is not stored. */
function unsweptEnding(deps: Dependencies, session: SessionItem): SessionLogEntry[] {
  const effective = effectiveStatus(session, deps.clock.now());
  if (effective.status === session.status || !session.deadlineAt) return [];
  return [
    logEntry(
      new Date(session.deadlineAt),
      effective.status === 'expired' ? 'expired' : 'timed_out',
      actors.system(),
      `Session ${describeStatus(effective.status)}`,
      {
        reason: effective.reason,
        provisional: true,
      },
    ),
  ];
}

export const LOG_PAGE_DEFAULT = logPage.defaultLimit;
/** 200 entries of at most 4,000 characters stay far below Lambda's 6 MB response limit. */
export const LOG_PAGE_MAX = logPage.maxLimit;

export interface SessionLogPage {
  readonly entries: SessionLogEntry[];
  /** Where the next read continues (after the last stored entry of this page); absent for an empty log. */
  readonly cursor?: string;
  /** More stored entries may follow the cursor: read again with it. */
  readonly hasMore: boolean;
}

const encodeCursor = (sortKey: string) => Buffer.from(sortKey, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const sortKey = cursor.length <= 200 ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!/^LOG#[0-9T:.Z-]{10,30}#[0-9a-f]{1,40}$/.test(sortKey) || encodeCursor(sortKey) !== cursor) {
    throw new ValidationFailed('The cursor is not valid; use the one a previous answer returned.', ['cursor: not a cursor of this log']);
  }
  return sortKey;
}

/**
 * One page of the session log, oldest first, starting after `cursor`. Entries
 * the sweeper has not written yet (a provisional time-out) come with the last
 * page and are not behind any cursor, so a reader that keeps its cursor reads
 * every stored entry exactly once.
 */
export async function getSessionLogPage(
  deps: Dependencies,
  technician: Technician,
  sessionId: string,
  options: { readonly limit?: number; readonly cursor?: string },
): Promise<SessionLogPage> {
  const limit = options.limit ?? LOG_PAGE_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1 || limit > LOG_PAGE_MAX) {
    throw new ValidationFailed(`limit is a whole number from 1 to ${LOG_PAGE_MAX}.`, [`limit: from 1 to ${LOG_PAGE_MAX}`]);
  }
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
  const session = await loadOwnedSession(deps, technician, sessionId, 'read the log of');
  const [page, secret] = await Promise.all([deps.store.readLogPage(sessionId, limit, after), deps.pinSecret()]);
  const hasMore = page.more;
  const entries = hasMore ? page.entries : [...page.entries, ...unsweptEnding(deps, session)];
  const lastSortKey = page.lastSortKey ?? after;
  return { entries: revealPins(entries, secret), ...(lastSortKey ? { cursor: encodeCursor(lastSortKey) } : {}), hasMore };
}

export async function describeTechnician(deps: Dependencies, technician: Technician) {
  const [permissions, verificationCodeAtStart] = await Promise.all([
    deps.permissions.permissionsOf(technician),
    deps.permissions.requiresVerificationCode(technician),
  ]);
  return { ...technician, groups: [...technician.groups], permissions, verificationCodeAtStart };
}
