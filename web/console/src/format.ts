/** Clock-style duration: "0:07", "9:58", "1:02:03". Negative durations count as zero. */
export function formatDuration(milliseconds: number): string {
  const totalSeconds = Math.max(0, Math.floor(milliseconds / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const ss = String(seconds).padStart(2, '0');
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, '0')}:${ss}`;
  return `${minutes}:${ss}`;
}

/** Time left until an ISO instant, in whole seconds rounded up (never negative). */
export function secondsUntil(iso: string, now: number): number {
  const target = Date.parse(iso);
  if (Number.isNaN(target)) return 0;
  return Math.max(0, Math.ceil((target - now) / 1000));
}

/**
 * Splits a PIN into groups of three for reading aloud ("012 345"). The groups
 * are rendered as separate elements spaced by CSS, so a copy still yields the
 * bare digits.
 */
export function groupPin(pin: string): string[] {
  const groups: string[] = [];
  for (let index = 0; index < pin.length; index += 3) groups.push(pin.slice(index, index + 3));
  return groups;
}

/** "0 1 2 3 4 5": screen readers then read digits, not "twelve thousand…". */
export function spokenDigits(pin: string): string {
  return pin.split('').join(' ');
}

export function formatBytes(bytes: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

export function formatClockTime(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(date);
}

// Bidi embeddings, overrides and isolates, and zero-width characters: they change or hide what text
// reads like ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf"), so customer text shows them as codes.
const invisibleOrReordering = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** Customer-supplied text as it is: every reordering or invisible character made visible as ⟨U+XXXX⟩. */
export function revealHiddenCharacters(text: string): string {
  return text.replace(invisibleOrReordering, (character) => `⟨U+${character.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

/** What the log list shows of a long message; the chat panel keeps the whole line. */
export function logPreview(text: string, limit = 300): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
