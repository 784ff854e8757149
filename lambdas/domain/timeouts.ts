import { patched } from '#storage/store';
import type { Dependencies } from './dependencies.ts';
import { actors, logEntry } from './session-log.ts';
import { describeStatus, timeouts, type SessionChange } from './session-rules.ts';
import { lost, notifySessionChanged } from './sessions.ts';

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
    const change: SessionChange = {
      set: {
        status: timeout.becomes,
        closeReason: timeout.reason,
        closedAt: session.deadlineAt,
        statusChangedAt: session.deadlineAt,
        updatedAt: nowIso,
      },
      remove: ['deadlineAt', 'pinHash', 'ticketHash'],
    };
    const result = await deps.store.transition({
      sessionId: session.id,
      expected: { status: [session.status], deadlinePassedAt: nowIso },
      patch: change,
      log: logEntry(
        new Date(session.deadlineAt),
        timeout.becomes === 'expired' ? 'expired' : 'timed_out',
        actors.system(),
        `Session ${describeStatus(timeout.becomes)} (${timeout.reason.replaceAll('_', ' ')})`,
        {
          reason: timeout.reason,
        },
      ),
      with: session.ticketHash ? [{ write: 'delete-token', token: { kind: 'ticket', hash: session.ticketHash } }] : [],
    });
    if (lost(result)) {
      skipped += 1;
      continue;
    }
    finalized += 1;
    const updated = patched(session, change);
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
