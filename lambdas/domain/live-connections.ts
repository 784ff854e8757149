import { patched, type CompanionWrite, type ConnectionItem } from '#storage/store';
import { addSeconds, epochSeconds } from './clock.ts';
import type { Dependencies } from './dependencies.ts';
import { Forbidden, InvalidTransition, NotFound, TokenExpired } from './errors.ts';
import { recordDenial, messageLimits, takeLogEntry, takeMessage } from './message-limits.ts';
import { sessionIceConfiguration } from './ice-servers.ts';
import { hashToken, newOpaqueToken } from './secrets.ts';
import { actors, logEntry } from './session-log.ts';
import { isEndedStatus, type LogEventType, type SystemInfo } from './session-model.ts';
import { allowedFrom, describeStatus, effectiveStatus, toCustomerState, type SessionChange, type SessionItem } from './session-rules.ts';
import { maxChatLength } from '#contracts/limits';
import { screenSignalsFrom, type ScreenSignal } from '#contracts/schemas/screen';
import { randomInt } from 'node:crypto';
import { finishSession, lost, notifySessionChanged } from './sessions.ts';
import type { Technician } from './technician.ts';

/** API Gateway closes a WebSocket after 2 hours; the record outlives it a little for $disconnect to find. */
const CONNECTION_RECORD_SECONDS = 3 * 3600;

/** Statuses in which the customer's applet may be connected. */
const appletMayConnect = ['connecting', 'waiting', 'active'] as const;

/** How long a resume ticket (handed to a connected applet for its next reconnect) lives; outlasts API Gateway's 2-hour connections. */
const RESUME_TICKET_SECONDS = 3 * 3600;

export interface TicketGrant {
  readonly sessionId: string;
  readonly ticketHash: string;
}

/** The session a ticket opens, if the ticket is live; used by the $connect authorizer. */
export async function sessionForTicket(deps: Dependencies, ticket: string | undefined): Promise<TicketGrant | undefined> {
  if (!ticket || ticket.length < 16 || ticket.length > 128) return undefined;
  const ticketHash = hashToken(ticket);
  const item = await deps.store.getToken({ kind: 'ticket', hash: ticketHash });
  if (!item || Number(item.ttl) <= epochSeconds(deps.clock.now())) return undefined;
  return { sessionId: item.sessionId, ticketHash };
}

/** Two digits, drawn when the customer arrives (applet or browser); read aloud, never a secret on its own. */
function drawVerificationCode(): string {
  return String(randomInt(0, 100)).padStart(2, '0');
}

/** The session a live progress token belongs to, while its page may still follow it; used by the $connect authorizer. */
export async function sessionForProgressToken(deps: Dependencies, token: string | undefined): Promise<string | undefined> {
  if (!token || token.length < 16 || token.length > 128) return undefined;
  const item = await deps.store.getToken({ kind: 'progress', hash: hashToken(token) });
  if (!item || Number(item.ttl) <= epochSeconds(deps.clock.now())) return undefined;
  const session = await deps.store.getSession(item.sessionId);
  if (!session || !(appletMayConnect as readonly string[]).includes(effectiveStatus(session, deps.clock.now()).status)) return undefined;
  return session.id;
}

/**
 * API Gateway checks a technician's token only at `$connect`; past its `exp` (epoch seconds) the
 * connection must neither receive pushes nor act. No expiry (applet, page) never expires here.
 */
export function tokenExpired(tokenExpiresAt: number | undefined, now: Date): boolean {
  return tokenExpiresAt !== undefined && tokenExpiresAt <= epochSeconds(now);
}

export async function technicianConnected(
  deps: Dependencies,
  connectionId: string,
  technician: Technician,
  tokenExpiresAt?: number,
): Promise<void> {
  const now = deps.clock.now();
  await deps.store.putConnection(
    {
      connectionId,
      role: 'technician',
      technicianId: technician.id,
      technicianDisplayName: technician.displayName,
      connectedAt: now.toISOString(),
      ...(tokenExpiresAt !== undefined ? { tokenExpiresAt } : {}),
    },
    epochSeconds(addSeconds(now, CONNECTION_RECORD_SECONDS)),
  );
}

/**
 * The applet has connected with its ticket: a connecting session starts
 * waiting for the technician; a waiting or active one (a reconnect) just
 * learns its new connection.
 */
export async function appletConnected(
  deps: Dependencies,
  connectionId: string,
  grant: TicketGrant,
  client: { ip?: string },
): Promise<SessionItem> {
  const { sessionId, ticketHash } = grant;
  const session = await deps.store.getSession(sessionId);
  if (!session) throw new NotFound();
  const now = deps.clock.now();
  const current = effectiveStatus(session, now).status;
  if (!(appletMayConnect as readonly string[]).includes(current)) {
    throw new Forbidden(`The session is ${describeStatus(current)}; the applet can no longer connect.`);
  }
  const arriving = current === 'connecting';
  const waitingDeadline =
    deps.config.waitingTimeoutSeconds > 0 ? addSeconds(now, deps.config.waitingTimeoutSeconds).toISOString() : undefined;
  const change: SessionChange = arriving
    ? {
        set: {
          status: 'waiting',
          appletConnectionId: connectionId,
          customerVia: 'app',
          verificationCode: drawVerificationCode(),
          deadlineAt: waitingDeadline,
          updatedAt: now.toISOString(),
          statusChangedAt: now.toISOString(),
        },
        remove: waitingDeadline ? ['ticketHash'] : ['deadlineAt', 'ticketHash'],
      }
    : { set: { appletConnectionId: connectionId, updatedAt: now.toISOString() }, remove: ['ticketHash'] };
  const result = await deps.store.transition({
    sessionId,
    expected: { status: [session.status], deadlineNotPassedAt: now.toISOString() },
    patch: change,
    log: logEntry(
      now,
      'applet_connected',
      actors.customer(session.customerName),
      arriving ? 'The applet connected; the customer is waiting' : 'The applet reconnected',
      {
        ...(client.ip ? { ip: client.ip } : {}),
        // The session's status after this connect: published events tell an arrival from a reconnect by it.
        status: arriving ? 'waiting' : current,
      },
    ),
    with: [
      // Tickets are single-use: this connect consumes it; a concurrent connect with the same ticket loses.
      { write: 'consume-token', token: { kind: 'ticket', hash: ticketHash }, nowEpoch: epochSeconds(now) },
      {
        write: 'put-connection',
        connection: { connectionId, role: 'applet', sessionId, connectedAt: now.toISOString() },
        expiresAtEpoch: epochSeconds(addSeconds(now, CONNECTION_RECORD_SECONDS)),
      },
    ],
  });
  if (lost(result)) throw new Forbidden('The session changed while the applet was connecting; try again.');
  if (session.appletConnectionId && session.appletConnectionId !== connectionId) {
    await deps.store.deleteConnection(session.appletConnectionId);
  }
  const updated = patched(session, change);
  await notifySessionChanged(deps, updated);
  return updated;
}

async function connectionOf(deps: Dependencies, connectionId: string): Promise<ConnectionItem> {
  const connection = await deps.store.getConnection(connectionId);
  if (!connection) throw new Forbidden('This connection is not registered; reconnect.');
  if (tokenExpired(connection.tokenExpiresAt, deps.clock.now())) throw new TokenExpired();
  return connection;
}

/**
 * The applet introduces itself with the customer's system info and learns the
 * session's state, plus a fresh single-use ticket for its next reconnect (the
 * one it connected with is spent).
 */
export async function appletHello(deps: Dependencies, connectionId: string, systemInfo: SystemInfo): Promise<void> {
  const connection = await connectionOf(deps, connectionId);
  if (connection.role !== 'applet' || !connection.sessionId) throw new Forbidden('Only the applet sends hello.');
  // Each hello is a transaction, a resume-ticket rotation and a push to the technician: bounded per session.
  await takeMessage(deps, 'ws-hello', connection.sessionId, messageLimits.helloPerSession);
  const session = await deps.store.getSession(connection.sessionId);
  if (!session) throw new NotFound();
  const now = deps.clock.now();
  const current = effectiveStatus(session, now).status;
  let updated = session;
  let resumeTicket: string | undefined;
  if ((appletMayConnect as readonly string[]).includes(current)) {
    const ticket = newOpaqueToken();
    const ticketHash = hashToken(ticket);
    const change: SessionChange = { set: { systemInfo, ticketHash, updatedAt: now.toISOString() } };
    const companions: CompanionWrite[] = [
      {
        write: 'put-token',
        token: { kind: 'ticket', hash: ticketHash },
        item: { sessionId: session.id, ttl: epochSeconds(addSeconds(now, RESUME_TICKET_SECONDS)) },
      },
      ...(session.ticketHash ? [{ write: 'delete-token', token: { kind: 'ticket', hash: session.ticketHash } } as const] : []),
    ];
    const result = await deps.store.transition({
      sessionId: session.id,
      expected: { status: appletMayConnect, attributes: { appletConnectionId: connectionId } },
      patch: change,
      log: logEntry(now, 'system_info', actors.customer(session.customerName), 'The applet reported the system info', { systemInfo }),
      with: companions,
    });
    if (lost(result)) {
      updated = (await deps.store.getSession(session.id)) ?? session;
    } else {
      resumeTicket = ticket;
      updated = patched(session, change);
      await notifySessionChanged(deps, updated);
    }
  }
  const status = effectiveStatus(updated, deps.clock.now()).status;
  await deps.notifier.toConnection(connectionId, {
    type: 'session.state',
    session: toCustomerState(updated, deps.clock.now()),
    ...(resumeTicket ? { resumeTicket } : {}),
  });
  if (isEndedStatus(status)) {
    await deps.notifier.toConnection(connectionId, {
      type: 'session.closed',
      sessionId: updated.id,
      reason: updated.closeReason ?? effectiveStatus(updated, deps.clock.now()).reason ?? 'technician_closed',
    });
  }
}

/** A connection reaching for a session it is not bound to: logged in that session, answered as missing. */
async function logDeniedConnection(deps: Dependencies, session: SessionItem, connection: ConnectionItem, action: string): Promise<void> {
  const actor =
    connection.role === 'technician'
      ? { kind: 'technician' as const, name: connection.technicianDisplayName ?? connection.technicianId }
      : actors.customer();
  const who =
    connection.role === 'technician'
      ? `technician ${connection.technicianDisplayName ?? connection.technicianId}`
      : connection.role === 'page'
        ? 'the PIN page of another session'
        : 'the applet of another session';
  await recordDenial(
    deps,
    session.id,
    logEntry(deps.clock.now(), 'denied', actor, `Denied: ${who} tried to ${action} this session`, {
      connectionRole: connection.role,
      action,
    }),
  );
}

/** A missing id costs what a foreign one does (the denial budget's transaction), then answers alike. */
async function missingSession(deps: Dependencies, sessionId: string): Promise<never> {
  await recordDenial(deps, sessionId, undefined);
  throw new NotFound();
}

/** A chat line from either side, once the session is active; logged, then delivered to the other side. */
export async function chat(deps: Dependencies, connectionId: string, sessionId: string, text: string): Promise<void> {
  const connection = await connectionOf(deps, connectionId);
  const session = await deps.store.getSession(sessionId);
  const fromTechnician = connection.role === 'technician';
  if (!session) return missingSession(deps, sessionId);
  const allowed = fromTechnician ? session.technicianId === connection.technicianId : session.id === connection.sessionId;
  if (!allowed) {
    await logDeniedConnection(deps, session, connection, 'chat into');
    throw new NotFound();
  }
  const now = deps.clock.now();
  const current = effectiveStatus(session, now).status;
  if (!(allowedFrom.chat as readonly string[]).includes(current)) {
    throw new InvalidTransition(`Chat opens once the technician has started the session; it is ${describeStatus(current)}.`);
  }
  await takeMessage(deps, 'ws-chat', session.id, messageLimits.chatPerSession);
  await takeLogEntry(deps, session.id);
  const line = text.slice(0, maxChatLength);
  const from: 'technician' | 'customer' = fromTechnician ? 'technician' : 'customer';
  const actor = fromTechnician
    ? { kind: 'technician' as const, name: connection.technicianDisplayName ?? session.technicianDisplayName }
    : actors.customer(session.customerName);
  // The text is the entry's message, stored once; details say only who sent it.
  await deps.store.appendLog(session.id, logEntry(now, 'chat', actor, line, { from }));
  const message = { type: 'chat' as const, sessionId: session.id, from: from, text: line, at: now.toISOString() };
  if (fromTechnician) {
    await Promise.all([
      session.appletConnectionId ? deps.notifier.toConnection(session.appletConnectionId, message) : Promise.resolve(false),
      session.pageConnectionId ? deps.notifier.toConnection(session.pageConnectionId, message) : Promise.resolve(false),
      deps.notifier.toTechnician(session.technicianId, message, connectionId),
    ]);
  } else {
    // The customer's other window (applet or page) shows the line too, so the conversation reads the same in both.
    const otherCustomerWindow = connection.role === 'page' ? session.appletConnectionId : session.pageConnectionId;
    await Promise.all([
      deps.notifier.toTechnician(session.technicianId, message),
      otherCustomerWindow ? deps.notifier.toConnection(otherCustomerWindow, message) : Promise.resolve(false),
    ]);
  }
}

/** The customer ends the session from the applet. */
export async function customerEnds(deps: Dependencies, connectionId: string, sessionId: string): Promise<void> {
  const connection = await connectionOf(deps, connectionId);
  const session = await deps.store.getSession(sessionId);
  if (!session) return missingSession(deps, sessionId);
  if (connection.role !== 'applet' || connection.sessionId !== sessionId) {
    await logDeniedConnection(deps, session, connection, 'end');
    throw new NotFound();
  }
  await finishSession(deps, session, 'customer_ended', actors.customer(session.customerName), allowedFrom.customerEnds);
}

/** A socket closed: forget it; if it was the session's applet, the technician sees the customer drop. */
export async function disconnected(deps: Dependencies, connectionId: string): Promise<void> {
  const connection = await deps.store.getConnection(connectionId);
  if (!connection) return;
  await deps.store.deleteConnection(connectionId);
  if (connection.role === 'page' && connection.sessionId) return pageDisconnected(deps, connectionId, connection.sessionId);
  if (connection.role !== 'applet' || !connection.sessionId) return;
  const session = await deps.store.getSession(connection.sessionId);
  if (!session || session.appletConnectionId !== connectionId) return;
  const now = deps.clock.now();
  const stillOpen = (appletMayConnect as readonly string[]).includes(session.status);
  const change: SessionChange = { set: { updatedAt: now.toISOString() }, remove: ['appletConnectionId'] };
  const result = await deps.store.transition({
    sessionId: session.id,
    expected: { attributes: { appletConnectionId: connectionId } },
    patch: change,
    ...(stillOpen ? { log: logEntry(now, 'applet_disconnected', actors.customer(session.customerName), 'The applet disconnected') } : {}),
  });
  if (lost(result)) return;
  if (stillOpen && (await controlWasGranted(deps, session.id))) {
    // The app closed (window shut, Ctrl+C, crash) while the technician held control: the app applies nothing any more.
    await deps.store.appendLog(
      session.id,
      logEntry(now, 'control_revoked', actors.customer(session.customerName), 'Control of the screen ended: the support app closed', {
        by: 'app_closed',
      }),
    );
  }
  await notifySessionChanged(deps, patched(session, change));
}

/** The log's latest say on control: granted and not since released, revoked, declined or ended with the view or the app. */
const controlEnders: ReadonlySet<string> = new Set([
  'control_released',
  'control_revoked',
  'control_declined',
  'screen_stopped',
  'applet_disconnected',
]);

async function controlWasGranted(deps: Dependencies, sessionId: string): Promise<boolean> {
  const entries = await deps.store.readLog(sessionId);
  // The newest applet_disconnected is this disconnect's own; what counts is the control step before it.
  let ownDisconnectSeen = false;
  for (let index = entries.length - 1; index >= 0; index -= 1) {
    const type = entries[index]!.type;
    if (type === 'applet_disconnected' && !ownDisconnectSeen) {
      ownDisconnectSeen = true;
      continue;
    }
    if (type === 'control_granted') return true;
    if (controlEnders.has(type)) return false;
  }
  return false;
}

/** The customer's page and the session it is bound to, refused once it is no longer the page of a live session. */
async function pageAndSession(deps: Dependencies, connectionId: string): Promise<{ connection: ConnectionItem; session: SessionItem }> {
  const connection = await connectionOf(deps, connectionId);
  if (connection.role !== 'page' || !connection.sessionId) throw new Forbidden('Only the PIN page of a session sends this.');
  const session = await deps.store.getSession(connection.sessionId);
  if (!session) throw new NotFound();
  return { connection, session };
}

/**
 * The PIN page opened its socket with the progress token: it becomes the
 * session's page connection (a newer tab replaces an older one, whose record
 * is dropped so it can no longer act).
 */
export async function pageConnected(deps: Dependencies, connectionId: string, sessionId: string): Promise<void> {
  const session = await deps.store.getSession(sessionId);
  if (!session) throw new NotFound();
  const now = deps.clock.now();
  const current = effectiveStatus(session, now).status;
  if (!(appletMayConnect as readonly string[]).includes(current)) throw new Forbidden(`The session is ${describeStatus(current)}.`);
  const change: SessionChange = { set: { pageConnectionId: connectionId } };
  const result = await deps.store.transition({
    sessionId,
    expected: { status: appletMayConnect },
    patch: change,
    with: [
      {
        write: 'put-connection',
        connection: { connectionId, role: 'page', sessionId, connectedAt: now.toISOString() },
        expiresAtEpoch: epochSeconds(addSeconds(now, CONNECTION_RECORD_SECONDS)),
      },
    ],
  });
  if (lost(result)) throw new Forbidden('The session changed while the page was connecting.');
  if (session.pageConnectionId && session.pageConnectionId !== connectionId) await deps.store.deleteConnection(session.pageConnectionId);
  const updated = patched(session, change);
  // Only a browser customer's presence changes with the page; an app customer's page is just watching.
  if (session.customerVia === 'browser') await notifySessionChanged(deps, updated);
}

/** The page asks for its session's state (sent right after connecting). */
export async function pageFollows(deps: Dependencies, connectionId: string): Promise<void> {
  const { session } = await pageAndSession(deps, connectionId);
  await deps.notifier.toConnection(connectionId, { type: 'session.state', session: toCustomerState(session, deps.clock.now()) });
}

/** "Continue in the browser": the page takes the applet's place, connecting -> waiting, and the applet's ticket is spent. */
export async function browserJoins(deps: Dependencies, connectionId: string): Promise<void> {
  const { session } = await pageAndSession(deps, connectionId);
  const now = deps.clock.now();
  const current = effectiveStatus(session, now).status;
  if (current === 'waiting' && session.customerVia === 'browser') return pageFollows(deps, connectionId);
  if (!(allowedFrom.browserJoins as readonly string[]).includes(current)) {
    throw new InvalidTransition(`The session is ${describeStatus(current)}; the browser can join only while it is connecting.`);
  }
  const waitingDeadline =
    deps.config.waitingTimeoutSeconds > 0 ? addSeconds(now, deps.config.waitingTimeoutSeconds).toISOString() : undefined;
  const change: SessionChange = {
    set: {
      status: 'waiting',
      customerVia: 'browser',
      verificationCode: drawVerificationCode(),
      pageConnectionId: connectionId,
      deadlineAt: waitingDeadline,
      updatedAt: now.toISOString(),
      statusChangedAt: now.toISOString(),
    },
    remove: waitingDeadline ? ['ticketHash'] : ['deadlineAt', 'ticketHash'],
  };
  const result = await deps.store.transition({
    sessionId: session.id,
    expected: { status: allowedFrom.browserJoins, attributes: { pageConnectionId: connectionId }, deadlineNotPassedAt: now.toISOString() },
    patch: change,
    log: logEntry(
      now,
      'browser_joined',
      actors.customer(session.customerName),
      'The customer continued in the browser; the customer is waiting',
      { via: 'browser' },
    ),
    with: session.ticketHash ? [{ write: 'delete-token', token: { kind: 'ticket', hash: session.ticketHash } }] : [],
  });
  if (lost(result))
    throw new InvalidTransition('The session changed at the same moment (the support app may have connected); reload the page.');
  await notifySessionChanged(deps, patched(session, change));
}

async function pageDisconnected(deps: Dependencies, connectionId: string, sessionId: string): Promise<void> {
  const session = await deps.store.getSession(sessionId);
  if (!session || session.pageConnectionId !== connectionId) return;
  const now = deps.clock.now();
  const browserCustomerLeft = session.customerVia === 'browser' && (appletMayConnect as readonly string[]).includes(session.status);
  const change: SessionChange = { set: browserCustomerLeft ? { updatedAt: now.toISOString() } : {}, remove: ['pageConnectionId'] };
  const result = await deps.store.transition({
    sessionId,
    expected: { attributes: { pageConnectionId: connectionId } },
    patch: change,
    ...(browserCustomerLeft
      ? { log: logEntry(now, 'browser_disconnected', actors.customer(session.customerName), "The customer's browser disconnected") }
      : {}),
  });
  if (lost(result)) return;
  if (browserCustomerLeft) await notifySessionChanged(deps, patched(session, change));
}

type ScreenLogType = Extract<LogEventType, `screen_${string}` | `control_${string}`>;

const screenLog: Partial<Record<ScreenSignal['kind'], { type: ScreenLogType; message: (who: string) => string }>> = {
  request: { type: 'screen_requested', message: (who) => `${who} asked to view the screen` },
  share: { type: 'screen_shared', message: (who) => `${who} shared the screen` },
  decline: { type: 'screen_declined', message: (who) => `${who} declined to share the screen` },
  stop: { type: 'screen_stopped', message: (who) => `${who} stopped the screen view` },
  control_request: { type: 'control_requested', message: (who) => `${who} asked to control the screen` },
  control_grant: { type: 'control_granted', message: (who) => `${who} allowed control of the screen` },
  control_decline: { type: 'control_declined', message: (who) => `${who} declined control of the screen` },
  control_release: { type: 'control_released', message: (who) => `${who} released control of the screen` },
  control_revoke: { type: 'control_revoked', message: (who) => `${who} took back control of the screen` },
};

/**
 * Screen-view signaling, relayed between exactly the two sides of one active
 * session: the owning technician's consoles and the session's customer side
 * (the support app when it is connected, else the PIN page). Media and input
 * never pass here, only the consent steps and the session descriptions.
 */
export async function screenSignal(deps: Dependencies, connectionId: string, sessionId: string, signal: ScreenSignal): Promise<void> {
  const connection = await connectionOf(deps, connectionId);
  const session = await deps.store.getSession(sessionId);
  if (!session) throw new NotFound();
  const fromTechnician = connection.role === 'technician';
  const allowed = fromTechnician ? session.technicianId === connection.technicianId : session.id === connection.sessionId;
  if (!allowed) {
    await logDeniedConnection(deps, session, connection, 'signal a screen view into');
    throw new NotFound();
  }
  const now = deps.clock.now();
  const current = effectiveStatus(session, now).status;
  if (!(allowedFrom.screen as readonly string[]).includes(current)) {
    throw new InvalidTransition(`Screen view needs an active session; it is ${describeStatus(current)}.`);
  }
  const from: 'technician' | 'customer' = fromTechnician ? 'technician' : 'customer';
  if (!screenSignalsFrom[from].includes(signal.kind)) throw new Forbidden(`The ${from} does not send "${signal.kind}".`);
  // The app captures the screen itself and alone can hand over control, so it answers when it is connected.
  const customerConnectionId = session.appletConnectionId ?? session.pageConnectionId;
  if (fromTechnician && !customerConnectionId)
    throw new InvalidTransition("The customer's page is not connected; ask the customer to open it again.");
  if (fromTechnician && signal.kind === 'control_request' && !session.appletConnectionId) {
    throw new InvalidTransition('Remote control needs the support app; the customer shares from the browser.');
  }
  const technicianName = connection.technicianDisplayName ?? session.technicianDisplayName;
  const logged = screenLog[signal.kind];
  if (logged) {
    const actor = fromTechnician ? { kind: 'technician' as const, name: technicianName } : actors.customer(session.customerName);
    const who = fromTechnician ? technicianName : 'The customer';
    await deps.store.appendLog(
      session.id,
      logEntry(now, logged.type, actor, logged.message(who), signal.kind === 'stop' ? { by: from } : undefined),
    );
  }
  const message = {
    type: 'screen' as const,
    sessionId: session.id,
    from: from,
    signal,
    ...(signal.kind === 'request' || signal.kind === 'control_request' ? { technician: { displayName: technicianName } } : {}),
    // The app has no progress token for GET /api/pin/ice-servers; its request carries the same STUN/TURN configuration.
    ...(fromTechnician && signal.kind === 'request' && customerConnectionId === session.appletConnectionId
      ? { iceConfiguration: await sessionIceConfiguration(deps, session.id) }
      : {}),
  };
  if (fromTechnician) {
    const delivered = await deps.notifier.toConnection(customerConnectionId!, message);
    if (!delivered) throw new InvalidTransition("The customer's page is not connected; ask the customer to open it again.");
  } else {
    await deps.notifier.toTechnician(session.technicianId, message);
  }
}
