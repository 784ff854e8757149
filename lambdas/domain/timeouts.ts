import { conditions, isLostRace } from '#storage/conditions';
import { keys } from '#storage/keys';
import type { Dependencies } from './dependencies.ts';
import { actors, logEntry } from './session-log.ts';
import { describeStatus, timeouts } from './session-rules.ts';
import { applyUpdate, notifySessionChanged } from './sessions.ts';

export interface SweepResult {
  readonly finalized: number;
  readonly skipped: number;
}

/**
 * Finalizes sessions whose PIN validity, connecting or waiting time ran out:
 * reads already report them as expired / timed out; this makes it durable,
 * frees the deadline index, revokes the ticket, and tells both sides.
 */
export async function sweepTimeouts(deps: Dependencies): Promise<SweepResult> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const due = await deps.store.sessionsPastDeadline(nowIso);
  let finalized = 0;
  let skipped = 0;
  for (const session of due) {
    const timeout = timeouts[session.status];
    if (!timeout || !session.deadlineAt) {
      skipped += 1;
      continue;
    }
    const set = {
      status: timeout.becomes,
      closeReason: timeout.reason,
      closedAt: session.deadlineAt,
      statusChangedAt: session.deadlineAt,
      updatedAt: nowIso,
    };
    const remove = ['deadlineAt', 'pinHash', 'ticketHash'];
    try {
      await deps.store.transact([
        deps.store.sessionUpdate({ sessionId: session.id, when: [conditions.statusIn([session.status]), conditions.deadlinePassed(nowIso)], set, remove }),
        deps.store.logPut(
          session.id,
          logEntry(new Date(session.deadlineAt), timeout.becomes === 'expired' ? 'expired' : 'timed_out', actors.system(), `Session ${describeStatus(timeout.becomes)} (${timeout.reason.replaceAll('_', ' ')})`, {
            reason: timeout.reason,
          }),
        ),
        ...(session.ticketHash ? [deps.store.tokenDelete(keys.ticket(session.ticketHash))] : []),
      ]);
    } catch (error) {
      if (isLostRace(error)) {
        skipped += 1;
        continue;
      }
      throw error;
    }
    finalized += 1;
    const updated = applyUpdate(session, set, remove);
    await Promise.all([
      notifySessionChanged(deps, updated),
      session.appletConnectionId
        ? deps.notifier.toConnection(session.appletConnectionId, { type: 'session.closed', sessionId: session.id, reason: timeout.reason })
        : Promise.resolve(true),
    ]);
  }
  if (finalized > 0) deps.logger.info('Timed-out sessions finalized', { event: 'sessions_timed_out', finalized, skipped });
  return { finalized, skipped };
}
