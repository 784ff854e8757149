import { describe, expect, it } from '@jest/globals';
import {
  formatBytes,
  formatDuration,
  groupPin,
  logPreview,
  revealHiddenCharacters,
  secondsUntil,
  spokenDigits,
} from '../../web/console/src/format.ts';

describe('console formats', () => {
  it('makes bidi overrides and zero-width characters in customer text visible', () => {
    expect(revealHiddenCharacters('invoice\u202Efdp.exe')).toBe('invoice⟨U+202E⟩fdp.exe');
    expect(revealHiddenCharacters('a\u200Bb\u2066c\u2069\uFEFF')).toBe('a⟨U+200B⟩b⟨U+2066⟩c⟨U+2069⟩⟨U+FEFF⟩');
    expect(revealHiddenCharacters('Grüße, שלום')).toBe('Grüße, שלום');
    expect(logPreview('x'.repeat(4000))).toHaveLength(301);
  });

  it('groups a PIN in threes for reading aloud, leading zeros intact', () => {
    expect(groupPin('012345')).toEqual(['012', '345']);
    expect(groupPin('012345').join('')).toBe('012345');
    expect(spokenDigits('007001')).toBe('0 0 7 0 0 1');
  });

  it('shows durations like a clock', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7_999)).toBe('0:07');
    expect(formatDuration(598_000)).toBe('9:58');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(-5000)).toBe('0:00');
  });

  it('counts down to an instant in whole seconds, never below zero', () => {
    const now = Date.parse('2026-01-01T10:00:00.000Z');
    expect(secondsUntil('2026-01-01T10:10:00.000Z', now)).toBe(600);
    expect(secondsUntil('2026-01-01T10:00:00.400Z', now)).toBe(1);
    expect(secondsUntil('2026-01-01T09:00:00.000Z', now)).toBe(0);
    expect(secondsUntil('not a date', now)).toBe(0);
  });

  it('formats memory in binary units per locale', () => {
    expect(formatBytes(8 * 1024 ** 3, 'en-GB')).toBe('8 GB');
    expect(formatBytes(1536 * 1024 ** 2, 'de-DE')).toBe('1,5 GB');
    expect(formatBytes(512, 'en-GB')).toBe('512 B');
  });
});
