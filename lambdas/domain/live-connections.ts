import { conditions, isLostRace } from '#storage/conditions';
import { keys } from '#storage/keys';
import type { ConnectionItem, TokenItem } from '#storage/store';
import { addSeconds, epochSeconds } from './clock.ts';
import type { Dependencies } from './dependencies.ts';
import { Forbidden, InvalidTransition, NotFound } from './errors.ts';
import { recordDenial, messageLimits, takeLogEntry, takeMessage } from './message-limits.ts';
import { hashToken, newOpaqueToken } from './secrets.ts';
import { actors, logEntry } from './session-log.ts';
import type { SystemInfo } from './session-model.ts';
import { allowedFrom, describeStatus, effectiveStatus, type SessionItem } from './session-rules.ts';
import { applyUpdate, finishSession, notifySessionChanged } from './sessions.ts';
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
  const item = await deps.store.getToken<TokenItem>(keys.ticket(ticketHash));
  if (!item || Number(item.ttl) <= epochSeconds(deps.clock.now())) return undefined;
  return { sessionId: item.sessionId, ticketHash };
}

export async function technicianConnected(deps: Dependencies, connectionId: string, technician: Technician): Promise<void> {
  const now = deps.clock.now();
  await deps.store.putConnection(
    { connectionId, role: 'technician', technicianId: technician.id, technicianDisplayName: technician.displayName, connectedAt: now.toISOString() },
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
  const set: Record<string, unknown> = arriving
    ? { status: 'waiting', appletConnectionId: connectionId, deadlineAt: waitingDeadline, updatedAt: now.toISOString(), statusChangedAt: now.toISOString() }
    : { appletConnectionId: connectionId, updatedAt: now.toISOString() };
  const remove = arriving && !waitingDeadline ? ['deadlineAt', 'ticketHash'] : ['ticketHash'];
  try {
    await deps.store.transact([
      // Tickets are single-use: this connect consumes it; a concurrent connect with the same ticket loses.
      deps.store.tokenConsume(keys.ticket(ticketHash), sessionId, epochSeconds(now)),
      deps.store.sessionUpdate({
        sessionId,
        when: [conditions.statusIn([session.status]), conditions.deadlineNotPassed(now.toISOString())],
        set,
        remove,
      }),
      deps.store.connectionPut(
        { connectionId, role: 'applet', sessionId, connectedAt: now.toISOString() },
        epochSeconds(addSeconds(now, CONNECTION_RECORD_SECONDS)),
      ),
      deps.store.logPut(
        sessionId,
        logEntry(now, 'applet_connected', actors.customer(session.customerName), arriving ? 'The applet connected; the customer is waiting' : 'The applet reconnected', {
          ...(client.ip ? { ip: client.ip } : {}),
          // The session's status after this connect: published events tell an arrival from a reconnect by it.
          status: arriving ? 'waiting' : current,
        }),
      ),
    ]);
  } catch (error) {
    if (isLostRace(error)) throw new Forbidden('The session changed while the applet was connecting; try again.');
    throw error;
  }
  if (session.appletConnectionId && session.appletConnectionId !== connectionId) {
    await deps.store.deleteConnection(session.appletConnectionId);
  }
  const updated = applyUpdate(session, set, remove);
  await notifySessionChanged(deps, updated);
  return updated;
}

async function connectionOf(deps: Dependencies, connectionId: string): Promise<ConnectionItem> {
  const connection = await deps.store.getConnection(connectionId);
  if (!connection) throw new Forbidden('This connection is not registered; reconnect.');
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
    const set = { systemInfo, ticketHash, updatedAt: now.toISOString() };
    try {
      await deps.store.transact([
        deps.store.sessionUpdate({
          sessionId: session.id,
          when: [conditions.statusIn(appletMayConnect), conditions.attributeEquals('appletConnectionId', connectionId)],
          set,
        }),
        deps.store.tokenPut(keys.ticket(ticketHash), { sessionId: session.id, ttl: epochSeconds(addSeconds(now, RESUME_TICKET_SECONDS)) }, 'ticket'),
        ...(session.ticketHash ? [deps.store.tokenDelete(keys.ticket(session.ticketHash))] : []),
        deps.store.logPut(session.id, logEntry(now, 'system_info', actors.customer(session.customerName), 'The applet reported the system info', { systemInfo })),
      ]);
      resumeTicket = ticket;
      updated = applyUpdate(session, set);
      await notifySessionChanged(deps, updated);
    } catch (error) {
      if (!isLostRace(error)) throw error;
      updated = (await deps.store.getSession(session.id)) ?? session;
    }
  }
  const status = effectiveStatus(updated, deps.clock.now()).status;
  await deps.notifier.toConnection(connectionId, {
    type: 'session.state',
    session: { id: updated.id, status, technician: { displayName: updated.technicianDisplayName } },
    ...(resumeTicket ? { resumeTicket } : {}),
  });
  if (status === 'closed' || status === 'expired' || status === 'timed_out') {
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
  const who = connection.role === 'technician' ? `technician ${connection.technicianDisplayName ?? connection.technicianId}` : 'the applet of another session';
  await recordDenial(
    deps,
    session.id,
    logEntry(deps.clock.now(), 'denied', actor, `Denied: ${who} tried to ${action} this session`, { connectionRole: connection.role, action }),
  );
}

/** A missing id costs what a foreign one does (the denial budget's transaction), then answers alike. */
async function missingSession(deps: Dependencies, sessionId: string): Promise<never> {
  await recordDenial(deps, sessionId, undefined);
  throw new NotFound();
}

const MAX_CHAT_LENGTH = 4000;

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
  const line = text.slice(0, MAX_CHAT_LENGTH);
  const from = fromTechnician ? 'technician' : 'customer';
  const actor = fromTechnician ? { kind: 'technician' as const, name: connection.technicianDisplayName ?? session.technicianDisplayName } : actors.customer(session.customerName);
  // The text is the entry's message, stored once; details say only who sent it.
  await deps.store.appendLog(session.id, logEntry(now, 'chat', actor, line, { from }));
  const message = { type: 'chat' as const, sessionId: session.id, from: from as 'technician' | 'customer', text: line, at: now.toISOString() };
  if (fromTechnician) {
    await Promise.all([
      session.appletConnectionId ? deps.notifier.toConnection(session.appletConnectionId, message) : Promise.resolve(false),
      deps.notifier.toTechnician(session.technicianId, message, connectionId),
    ]);
  } else {
    await deps.notifier.toTechnician(session.technicianId, message);
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
  if (connection.role !== 'applet' || !connection.sessionId) return;
  const session = await deps.store.getSession(connection.sessionId);
  if (!session || session.appletConnectionId !== connectionId) return;
  const now = deps.clock.now();
  const stillOpen = (appletMayConnect as readonly string[]).includes(session.status);
  try {
    await deps.store.transact([
      deps.store.sessionUpdate({
        sessionId: session.id,
        when: [conditions.attributeEquals('appletConnectionId', connectionId)],
        set: { updatedAt: now.toISOString() },
        remove: ['appletConnectionId'],
      }),
      ...(stillOpen
        ? [deps.store.logPut(session.id, logEntry(now, 'applet_disconnected', actors.customer(session.customerName), 'The applet disconnected'))]
        : []),
    ]);
  } catch (error) {
    if (isLostRace(error)) return;
    throw error;
  }
  await notifySessionChanged(deps, applyUpdate(session, { updatedAt: now.toISOString() }, ['appletConnectionId']));
}
