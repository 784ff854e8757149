import { describe, expect, it } from '@jest/globals';
import { explained } from '../support/explained.ts';
import { chooseLanguage, languages, type PinStrings } from '../../web/pin/i18n.ts';
import { de } from '../../web/pin/strings/de.ts';
import { en } from '../../web/pin/strings/en.ts';

describe('PIN page language choice', () => {
  it('uses the first browser language it speaks', () => {
    expect(chooseLanguage(null, ['de-AT', 'en-US'])).toBe('de');
    expect(chooseLanguage(null, ['fr-FR', 'de-DE', 'en'])).toBe('de');
    expect(chooseLanguage(null, ['en-GB', 'de'])).toBe('en');
  });

  it('falls back to English for languages it does not speak', () => {
    expect(chooseLanguage(null, ['fr-FR', 'it'])).toBe('en');
    expect(chooseLanguage(undefined, [])).toBe('en');
  });

  it("lets the customer's stored choice win over the browser", () => {
    expect(chooseLanguage('en', ['de-DE'])).toBe('en');
    expect(chooseLanguage('de', ['en-US'])).toBe('de');
    expect(chooseLanguage('xx', ['de-DE'])).toBe('de');
  });
});

describe('PIN page strings', () => {
  it('use the exact labels technicians and the seed article name', () => {
    expect(en.pinLabel).toBe('PIN');
    expect(de.pinLabel).toBe('PIN');
    expect(en.connectButton).toBe('Connect to technician');
    expect(de.connectButton).toBe('Verbindung zum Techniker herstellen');
    expect(de.statusNames.connecting).toBe('Verbindung wird hergestellt');
    expect(de.statusNames.waiting).toBe('Bitte warten');
    expect(de.statusNames.active).toBe('Aktiv');
    expect(en.errorPinInvalid).toBe('This PIN is not valid or has expired. Please ask your technician for a new one.');
  });

  it('give every language the same keys and no empty text', () => {
    const keys = (strings: PinStrings) => Object.keys(strings).sort();
    expect(keys(de)).toEqual(keys(en));
    for (const strings of Object.values(languages)) {
      for (const [key, value] of Object.entries(strings)) {
        if (typeof value === 'string') explained(key, () => expect(value.trim()).not.toBe(''));
      }
    }
  });

  it('tell every system how to run the downloaded file with node', () => {
    for (const strings of Object.values(languages)) {
      for (const steps of Object.values(strings.runSteps('RemoteSupport_abc.cjs'))) {
        expect(steps.map((step) => step.command)).toContain('node RemoteSupport_abc.cjs');
      }
      expect(strings.nodeRequirement).toMatch(/Node\.js 20/);
    }
  });

  it('read waits aloud in seconds, then minutes', () => {
    expect(en.formatWait(1)).toBe('1 second');
    expect(en.formatWait(42)).toBe('42 seconds');
    expect(en.formatWait(125)).toBe('2:05 minutes');
    expect(de.formatWait(42)).toBe('42 Sekunden');
    expect(de.formatWait(600)).toBe('10:00 Minuten');
  });
});
