import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { clientKeyFor, viewerAddressIp } from '#domain/client-identity';
import { loadConfig } from '#domain/config';
import { normalizePin } from '#domain/pin-redemption';
import { drawPin, hashPin, openFromLog, sealForLog } from '#domain/secrets';
import { effectiveStatus } from '#domain/session-rules';
import { parseGroupsClaim, technicianFromClaims } from '#domain/technician';

describe('groups claim', () => {
  it.each([
    ['[Support Helpdesk]', ['Support', 'Helpdesk']],
    ['[Support]', ['Support']],
    ['[]', []],
    ['["Support","Helpdesk"]', ['Support', 'Helpdesk']],
    // A comma belongs to a group's name: "Observers,Support" must not gain Support's permissions.
    ['[Observers,Support]', ['Observers,Support']],
    ['[Observers,Support Helpdesk]', ['Observers,Support', 'Helpdesk']],
    ['Observers,Support', ['Observers,Support']],
    [['Observers,Support'], ['Observers,Support']],
    [['Support'], ['Support']],
    [undefined, []],
  ])('reads %j as API Gateway or a Lambda authorizer hands it over', (claim, groups) => {
    expect(parseGroupsClaim(claim)).toEqual(groups);
  });

  it('refuses claims without a subject', () => {
    expect(() => technicianFromClaims({ 'cognito:username': 'alice' })).toThrow(/token/);
  });
});

describe('PINs', () => {
  it('keeps leading zeros and the configured length', () => {
    const pins = Array.from({ length: 2000 }, () => drawPin(6));
    expect(pins.every((pin) => /^\d{6}$/.test(pin))).toBe(true);
    expect(pins.some((pin) => pin.startsWith('0'))).toBe(true);
  });

  it('draws each first digit about equally often (uniform CSPRNG draw)', () => {
    const counts = new Array(10).fill(0);
    const draws = 20_000;
    for (let i = 0; i < draws; i += 1) counts[Number(drawPin(6)[0])] += 1;
    const expected = draws / 10;
    const chiSquare = (counts as number[]).reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: p = 0.001 at 27.9
    expect(chiSquare).toBeLessThan(27.9);
  });

  it.each([
    ['123456', '123456'],
    ['123 456', '123456'],
    ['123-456', '123456'],
    [' 012345 ', '012345'],
  ])('normalizes %j', (input, pin) => {
    expect(normalizePin(input, 6)).toBe(pin);
  });

  it.each(['12345', '1234567', '12a456', '١٢٣٤٥٦', ''])('refuses %j as a format error', (input) => {
    expect(() => normalizePin(input, 6)).toThrow('The PIN is 6 digits.');
  });

  it('hashes with the secret: another secret gives another hash', () => {
    expect(hashPin(randomBytes(32), '123456')).not.toBe(hashPin(randomBytes(32), '123456'));
  });

  it('seals the PIN for the log so only the secret opens it', () => {
    const secret = randomBytes(32);
    const sealed = sealForLog(secret, '012345');
    expect(sealed).not.toContain('012345');
    expect(openFromLog(secret, sealed)).toBe('012345');
    expect(openFromLog(randomBytes(32), sealed)).toBeUndefined();
  });
});

describe('effective status', () => {
  const now = new Date('2026-01-01T12:00:00.000Z');
  it.each([
    ['pending', '2026-01-01T11:59:59.999Z', 'expired'],
    ['pending', '2026-01-01T12:00:00.000Z', 'expired'],
    ['pending', '2026-01-01T12:00:00.001Z', 'pending'],
    ['connecting', '2026-01-01T11:00:00.000Z', 'timed_out'],
    ['waiting', '2026-01-01T11:00:00.000Z', 'timed_out'],
    ['active', '2026-01-01T11:00:00.000Z', 'active'],
  ] as const)('reports %s with deadline %s as %s', (status, deadlineAt, expected) => {
    expect(effectiveStatus({ status, deadlineAt }, now).status).toBe(expected);
  });
});

describe('configuration', () => {
  it('takes the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      pinDigits: 6,
      pinValiditySeconds: 600,
      connectingTimeoutSeconds: 600,
      waitingTimeoutSeconds: 3600,
      redeemFailuresPerClient: 10,
    });
  });

  it('refuses a nonsensical value with the variable named', () => {
    expect(() => loadConfig({ PIN_VALIDITY_SECONDS: 'ten' })).toThrow(/PIN_VALIDITY_SECONDS/);
    expect(() => loadConfig({ PIN_DIGITS: '0' })).toThrow(/PIN_DIGITS/);
  });

  it('reads the downloads on offer and refuses malformed ones', () => {
    expect(loadConfig({}).appletDownloads).toEqual([]);
    const downloads = [
      { platform: 'linux-x64', bytes: 125_045_952 },
      { platform: 'node', bytes: 147_038 },
    ];
    expect(loadConfig({ APPLET_DOWNLOADS: JSON.stringify(downloads) }).appletDownloads).toEqual(downloads);
    for (const bad of [
      'not json',
      '{}',
      '[{"platform":"amiga-68k","bytes":1}]',
      '[{"platform":"linux-x64","bytes":0}]',
      '[{"platform":"linux-x64"}]',
    ]) {
      expect(() => loadConfig({ APPLET_DOWNLOADS: bad })).toThrow(/APPLET_DOWNLOADS must be a JSON array/);
    }
  });
});

describe('client identity for failure counting', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', '2001:0db8:0001:0002::/64'],
    ['2001:db8:1:2::99', '2001:0db8:0001:0002::/64'],
    ['2001:db8::1', '2001:0db8:0000:0000::/64'],
  ])('counts %s as %s', (ip, key) => {
    expect(clientKeyFor(ip)).toBe(key);
  });

  it.each([
    ['198.51.100.7:46532', '198.51.100.7'],
    ['2001:db8::1:443', '2001:db8::1'],
    ['garbage', undefined],
    [undefined, undefined],
  ])('reads CloudFront-Viewer-Address %j', (header, ip) => {
    expect(viewerAddressIp(header)).toBe(ip);
  });
});
