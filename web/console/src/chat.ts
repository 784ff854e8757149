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

/**
 * One session's chat as shown: the log's chat entries (the durable history,
 * so a reload restores it) followed by live messages the log does not show
 * yet. A live message remembers which occurrence of its (sender, text) it will
 * be in the log, and its key is that occurrence, so it keeps its key when the
 * log catches up and the view only ever appends. Values, never changed in
 * place: each function returns a new chat.
 */
export interface ChatState {
  readonly logged: readonly ChatMessage[];
  /** How often each (sender, text) occurs in `logged`, so appending costs only the new entries. */
  readonly occurrences: ReadonlyMap<string, number>;
  readonly pending: readonly PendingChat[];
}

export const emptyChat: ChatState = { logged: [], occurrences: new Map(), pending: [] };

const baseKey = (message: IncomingChat): string => `${message.from}\u0000${message.text}`;
const keyOf = (message: IncomingChat, ordinal: number): string => `${baseKey(message)}\u0000${ordinal}`;

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

/** The chat after log entries stored after the ones it already has (only those are looked at). */
export function chatLogAppended(chat: ChatState, entries: readonly SessionLogEntry[]): ChatState {
  const arrived = chatEntriesOf(entries);
  if (arrived.length === 0) return chat;
  const occurrences = new Map(chat.occurrences);
  const logged = [...chat.logged];
  for (const message of arrived) {
    const base = baseKey(message);
    const ordinal = (occurrences.get(base) ?? 0) + 1;
    occurrences.set(base, ordinal);
    logged.push({ ...message, key: keyOf(message, ordinal) });
  }
  const pending = chat.pending.filter((message) => (occurrences.get(baseKey(message)) ?? 0) < message.ordinal);
  return { logged, occurrences, pending };
}

/** The chat after a message received over the WebSocket or just sent by this console. */
export function chatLiveAdded(chat: ChatState, message: IncomingChat): ChatState {
  const base = baseKey(message);
  if (message.at && chat.logged.some((logged) => logged.at === message.at && baseKey(logged) === base)) return chat;
  let pendingAlike = 0;
  for (const pending of chat.pending) if (baseKey(pending) === base) pendingAlike += 1;
  const ordinal = (chat.occurrences.get(base) ?? 0) + pendingAlike + 1;
  return { ...chat, pending: [...chat.pending, { ...message, ordinal }] };
}

export function chatMessages(chat: ChatState): ChatMessage[] {
  return [...chat.logged, ...chat.pending.map(({ ordinal, ...message }) => ({ ...message, key: keyOf(message, ordinal) }))];
}

/** A chat with a mutable face, for callers that hold one history and replace its log. */
export class ChatHistory {
  #chat: ChatState = emptyChat;

  /** Replaces the durable part with a fresh read of the session log. */
  applyLog(log: readonly SessionLogEntry[]): void {
    this.#chat = chatLogAppended({ ...emptyChat, pending: this.#chat.pending }, log);
  }

  addLive(message: IncomingChat): void {
    this.#chat = chatLiveAdded(this.#chat, message);
  }

  messages(): ChatMessage[] {
    return chatMessages(this.#chat);
  }
}
