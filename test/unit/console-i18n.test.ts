import { describe, expect, it } from '@jest/globals';
import { sessionStatuses } from '../../lambdas/domain/session-model.ts';
import { ApiError, describeError } from '../../web/console/src/api.ts';
import { messageKeys, pickLanguage, statusLabel, translator } from '../../web/console/src/i18n.ts';

const en = translator('en');
const de = translator('de');

describe('console languages', () => {
  it('uses the seed article\u2019s German names for the workflow', () => {
    expect(de('sessionToolbar')).toBe('Sitzung');
    expect(de('newSession')).toBe('Neue Sitzung');
    expect(de('createNewSession')).toBe('Neue Sitzung erstellen');
    expect(de('nameField')).toBe('Name');
    expect(de('pinCodeTab')).toBe('PIN-Code');
    expect(de('createPinCode')).toBe('PIN-Code erstellen');
    expect(de('activeSessions')).toBe('Aktive Sitzungen');
    expect(de('start')).toBe('Starten');
    expect(de('close')).toBe('Schließen');
    expect(statusLabel(de, 'connecting')).toBe('Verbindung wird hergestellt');
    expect(statusLabel(de, 'waiting')).toBe('Bitte warten');
    expect(statusLabel(de, 'active')).toBe('Aktiv');
  });

  it('names every status in both languages, each distinctly', () => {
    for (const t of [en, de]) {
      const labels = sessionStatuses.map((status) => statusLabel(t, status));
      expect(new Set(labels).size).toBe(sessionStatuses.length);
      for (const label of labels) expect(label).toMatch(/\S/);
    }
  });

  it('keeps the same placeholders in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    expect(messageKeys.length).toBeGreaterThan(100);
    for (const key of messageKeys)
      expect({ key, placeholders: placeholders(de(key)) }).toEqual({ key, placeholders: placeholders(en(key)) });
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(en('signInAs', { name: 'Alice Adler' })).toBe('Sign in as Alice Adler');
    expect(de('pinValidFor', { time: '9:58' })).toBe('Noch 9:58 gültig');
    expect(en('signInAs')).toBe('Sign in as {name}');
  });

  it('follows a stored choice first, then the browser, then English', () => {
    expect(pickLanguage('de', ['en-US'])).toBe('de');
    expect(pickLanguage(null, ['fr-FR', 'de-AT', 'en'])).toBe('de');
    expect(pickLanguage('xx', ['en-GB'])).toBe('en');
    expect(pickLanguage(null, ['fr', 'es'])).toBe('en');
  });
});

describe('errors in plain words', () => {
  it('explains a 403 by the permission the service names', () => {
    expect(describeError(new ApiError(403, 'forbidden', 'missing permission: pinCode'), de)).toBe(
      'Ihre Technikergruppe ist nicht zur Verwendung der PIN-Code-Verbindungsmethode berechtigt.',
    );
    expect(
      describeError(
        new ApiError(
          403,
          'forbidden',
          "Your technician group lacks the 'privateSessions' permission, which is needed to create a session.",
        ),
        en,
      ),
    ).toBe('Your group is not allowed to start private sessions.');
    expect(describeError(new ApiError(403, 'forbidden', 'not your session'), en)).toBe('You are not allowed to do this: not your session');
  });

  it('maps every documented code, the network and the unknown', () => {
    expect(describeError(new ApiError(409, 'invalid_transition', 'x'), en)).toMatch(/current state/);
    expect(describeError(new ApiError(503, 'pin_space_exhausted', 'x'), en)).toMatch(/No free PIN code/);
    expect(describeError(new ApiError(0, 'network', 'x'), de)).toMatch(/nicht erreichbar/);
    expect(describeError(new ApiError(418, 'teapot', 'x'), en)).toBe('Unexpected answer from the service (418).');
    expect(describeError(new Error('boom'), en)).not.toMatch(/boom/);
  });
});
