import type { CloseReason, SessionStatus } from '../../contracts/statuses.ts';

/**
 * The stdout lines scripts and tests rely on: one line per event, same English
 * format in every language (docs/applet.md lists them). Everything the server
 * or the technician supplied goes through `printable` first.
 */
export const outputLine = {
  connecting: (host: string) => `connecting to ${printable(host)}`,
  status: (status: SessionStatus | string, technicianName?: string) =>
    status === 'active' && technicianName ? `status: active (technician: ${printable(technicianName)})` : `status: ${printable(status)}`,
  closed: (reason: CloseReason | string) => `status: closed (${printable(reason)})`,
  chat: (from: string, text: string) => `chat from ${printable(from)}: ${printable(text)}`,
  error: (code: string, message: string) => `error: ${printable(code)}: ${printable(message)}`,
  connectionLost: 'connection lost, reconnecting...',
  serverUnreachable: 'cannot reach the server, retrying...',
  reconnected: 'reconnected',
} as const;

// Terminal escape sequences (CSI, OSC, and lone ESC pairs): a technician's chat
// must not be able to move the cursor, retitle the window or fake other lines.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const escapeSequences = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
const lineBreaks = /\s*(?:\r\n|[\r\n\u2028\u2029\u0085])\s*/g;
// Other control characters, and the bidi overrides that can make text read differently than it is.
const controlCharacters = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** One safe line: escape sequences and control characters removed, line breaks shown as " / ". */
export function printable(text: string): string {
  return text.replace(escapeSequences, '').replace(/\t/g, ' ').replace(lineBreaks, ' / ').replace(controlCharacters, '').trim();
}
