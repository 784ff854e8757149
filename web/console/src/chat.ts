import type { SessionLogEntry } from '../../../contracts/schemas/session.ts';

export type ChatSender = 'technician' | 'customer';

export interface ChatMessage {
  /** Stable across the log and the live stream: sender, text and occurrence number. */
  readonly key: string;
  readonly from: ChatSender;
  readonly text: string;
  /** Absent for a message this console sent and the log does not show yet. */
  readonly at?: string;
}

export interface IncomingChat {
  readonly from: ChatSender;
  readonly text: string;
  readonly at?: string;
}

interface PendingChat extends IncomingChat {
  /** Which occurrence of (from, text) this message will be in the log. */
  readonly ordinal: number;
}

const baseKey = (message: IncomingChat): string => `${message.from}\u0000${message.text}`;

export function chatEntriesOf(log: readonly SessionLogEntry[]): IncomingChat[] {
  const messages: IncomingChat[] = [];
  for (const entry of log) {
    if (entry.type !== 'chat' || !entry.details) continue;
    // The line is the entry's message; entries written before it was stored once carry it in details too.
    const { from, text } = entry.details as { from?: unknown; text?: unknown };
    if (from !== 'technician' && from !== 'customer') continue;
    messages.push({ from, text: typeof text === 'string' ? text : entry.message, at: entry.at });
  }
  return messages;
}

/**
 * One session's chat as shown: the log's chat entries (the durable history,
 * so a reload restores it) followed by live messages the log does not show
 * yet. A live message remembers which occurrence of its (sender, text) it will
 * be in the log, and its key is that occurrence, so it keeps its key when the
 * log catches up and the view only ever appends.
 */
export class ChatHistory {
  #logged: IncomingChat[] = [];
  #pending: PendingChat[] = [];

  #count(list: readonly IncomingChat[], base: string): number {
    let count = 0;
    for (const message of list) if (baseKey(message) === base) count += 1;
    return count;
  }

  /** Replaces the durable part with a fresh read of the session log. */
  applyLog(log: readonly SessionLogEntry[]): void {
    this.#logged = chatEntriesOf(log);
    this.#pending = this.#pending.filter((message) => this.#count(this.#logged, baseKey(message)) < message.ordinal);
  }

  /** A message received over the WebSocket or just sent by this console. */
  addLive(message: IncomingChat): void {
    const base = baseKey(message);
    if (message.at && this.#logged.some((logged) => logged.at === message.at && baseKey(logged) === base)) return;
    const ordinal = this.#count(this.#logged, base) + this.#count(this.#pending, base) + 1;
    this.#pending.push({ ...message, ordinal });
  }

  messages(): ChatMessage[] {
    const seen = new Map<string, number>();
    const logged = this.#logged.map((message) => {
      const base = baseKey(message);
      const ordinal = (seen.get(base) ?? 0) + 1;
      seen.set(base, ordinal);
      return { ...message, key: `${base}\u0000${ordinal}` };
    });
    const pending = this.#pending.map(({ ordinal, ...message }) => ({ ...message, key: `${baseKey(message)}\u0000${ordinal}` }));
    return [...logged, ...pending];
  }
}
