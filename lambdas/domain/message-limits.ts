import { epochSeconds } from './clock.ts';
import type { Dependencies } from './dependencies.ts';
import { LogFull, TooManyMessages } from './errors.ts';
import { actors, logEntry } from './session-log.ts';
import type { SessionLogEntry } from './session-model.ts';

interface WindowLimit {
  readonly count: number;
  readonly windowSeconds: number;
}

/**
 * What one WebSocket connection and one session may send. A person types far
 * below these; a script flooding a session hits them within seconds. Refused
 * messages are answered `too_many_messages` and write nothing.
 */
export const messageLimits = {
  /** Every action of one connection together (hello, chat, end). */
  perConnection: { count: 60, windowSeconds: 60 },
  /** The applet says hello once per connection; reconnects after network trouble need a few. */
  helloPerSession: { count: 10, windowSeconds: 600 },
  /** Chat lines of both sides of one session together. */
  chatPerSession: { count: 300, windowSeconds: 600 },
  /** `denied` entries one session's log takes per window; probing past it is answered alike and not logged. */
  deniedPerSession: { count: 20, windowSeconds: 600 },
} as const satisfies Record<string, WindowLimit>;

/**
 * Entries a session's log may hold from what clients send (chat lines, system
 * info, denials). The lifecycle entries are few and always written; past the
 * bound one `log_full` entry says so and further chat is refused.
 */
export const MAX_CLIENT_LOG_ENTRIES = 2000;

async function takeFromWindow(
  deps: Dependencies,
  scope: string,
  id: string,
  limit: WindowLimit,
): Promise<{ taken: boolean; retryAfterSeconds: number }> {
  const now = epochSeconds(deps.clock.now());
  const window = Math.floor(now / limit.windowSeconds);
  const retryAfterSeconds = (window + 1) * limit.windowSeconds - now;
  const taken = await deps.store.reserveAttempt({ scope, subject: id, window }, limit.count, (window + 2) * limit.windowSeconds);
  return { taken: taken !== undefined, retryAfterSeconds };
}

/** Takes one message from a connection's or session's window; throws TooManyMessages when it is spent. */
export async function takeMessage(
  deps: Dependencies,
  scope: 'ws-connection' | 'ws-hello' | 'ws-chat',
  id: string,
  limit: WindowLimit,
): Promise<void> {
  const { taken, retryAfterSeconds } = await takeFromWindow(deps, scope, id, limit);
  if (!taken) {
    throw new TooManyMessages(
      `Too many messages: at most ${limit.count} per ${limit.windowSeconds} seconds. Try again in ${retryAfterSeconds} seconds.`,
      retryAfterSeconds,
    );
  }
}

/**
 * Records a denied attempt on a session id: one transaction that takes from the
 * id's denial budget and, while it lasts and the session exists, writes the
 * `denied` entry. A missing id (entry undefined) costs the same one call, so the
 * answer time does not tell a foreign session from a missing one, and probing
 * writes at most the budget's entries into the owner's log per window.
 */
export async function recordDenial(deps: Dependencies, sessionId: string, entry: SessionLogEntry | undefined): Promise<void> {
  const limit = messageLimits.deniedPerSession;
  const now = epochSeconds(deps.clock.now());
  const window = Math.floor(now / limit.windowSeconds);
  await deps.store.appendLogWithinBudget(sessionId, entry, {
    counter: { scope: 'log-denied', subject: sessionId, window },
    limit: limit.count,
    expiresAtEpoch: (window + 2) * limit.windowSeconds,
  });
}

/**
 * Takes one entry from the session's client-log budget. The entry one past the
 * budget is the `log_full` notice, written once; after that nothing is.
 */
export async function takeLogEntry(deps: Dependencies, sessionId: string): Promise<void> {
  const taken = await deps.store.reserveAttempt(
    { scope: 'log-entries', subject: sessionId, window: 0 },
    MAX_CLIENT_LOG_ENTRIES + 1,
    epochSeconds(deps.clock.now()) + 30 * 86_400,
  );
  if (taken !== undefined && taken <= MAX_CLIENT_LOG_ENTRIES) return;
  if (taken === MAX_CLIENT_LOG_ENTRIES + 1) {
    deps.logger.warn('Session log is full', { event: 'session_log_full', sessionId, limit: MAX_CLIENT_LOG_ENTRIES });
    await deps.store.appendLog(
      sessionId,
      logEntry(
        deps.clock.now(),
        'log_full',
        actors.system(),
        `The log is full (${MAX_CLIENT_LOG_ENTRIES} entries from the session); further chat is refused`,
      ),
    );
  }
  throw new LogFull(MAX_CLIENT_LOG_ENTRIES);
}
