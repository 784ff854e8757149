import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { isCompletePin, normalisePin, pinLength } from '../../web/pin/pin-input.ts';
import { detectOperatingSystem, orderedSystems } from '../../web/pin/operating-system.ts';

describe('PIN input normalisation', () => {
  it.each([
    ['123 456', '123456'],
    ['123-456', '123456'],
    [' 012 345 ', '012345'],
    ['PIN: 987654', '987654'],
    ['１２３４５６', '123456'],
    ['1234567890', '123456'],
    ['abc', ''],
  ])('turns %j into %j', (raw, expected) => {
    expect(normalisePin(raw)).toBe(expected);
  });

  it('keeps leading zeros, which are part of the PIN', () => {
    expect(normalisePin('000 001')).toBe('000001');
    expect(isCompletePin('000001')).toBe(true);
  });

  it('never yields anything but at most six ASCII digits', () => {
    const typedOrPasted = fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789 -–.:/PIN１２３') }), fc.string({ unit: 'grapheme' }));
    fc.assert(
      fc.property(typedOrPasted, (raw) => {
        const pin = normalisePin(raw);
        return /^[0-9]{0,6}$/.test(pin) && normalisePin(pin) === pin;
      }),
      { numRuns: 300 },
    );
  });

  it('accepts only complete six-digit PINs for submission', () => {
    expect(pinLength).toBe(6);
    expect(isCompletePin('12345')).toBe(false);
    expect(isCompletePin('1234567')).toBe(false);
    expect(isCompletePin('12345a')).toBe(false);
    expect(isCompletePin('123456')).toBe(true);
  });
});

describe('operating system detection for the run instructions', () => {
  it.each([
    [{ userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130 Safari/537.36' }, 'windows'],
    [{ userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15' }, 'macos'],
    [{ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/156 Safari/537.36' }, 'linux'],
    [{ userAgent: 'Mozilla/5.0 (X11; Linux x86_64)', userAgentData: { platform: 'Windows' } }, 'windows'],
    [{ userAgent: 'Something/1.0' }, 'windows'],
  ] as const)('%j -> %s', (hints, expected) => {
    expect(detectOperatingSystem(hints)).toBe(expected);
  });

  it('lists the detected system first and every other system once', () => {
    expect(orderedSystems('macos')).toEqual(['macos', 'windows', 'linux']);
    expect(orderedSystems('linux')).toEqual(['linux', 'windows', 'macos']);
  });
});
