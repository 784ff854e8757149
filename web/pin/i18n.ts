/**
 * Language choice for the PIN page. Every visible string lives in one module
 * per language (strings/en.ts, strings/de.ts); this file only says which one
 * applies. The interface is the contract both modules fulfil, so a missing
 * translation is a type error, not a blank on the customer's screen.
 */
import type { DownloadPlatform } from './api.ts';
import type { CustomerStatus } from '../../contracts/statuses.ts';
import { de } from './strings/de.ts';
import { en } from './strings/en.ts';

export type OperatingSystem = 'windows' | 'macos' | 'linux';

/** What the page can show: the statuses a session has once its PIN was redeemed. */
export type ProgressStatus = CustomerStatus;

export interface PinStrings {
  /** Name of the language in itself, shown on the switch ("Deutsch"). */
  readonly languageName: string;
  readonly languageSwitchLabel: string;
  readonly pageTitle: string;
  readonly brand: string;
  readonly heading: string;
  readonly intro: string;
  /** The field's label: "PIN" in every language (the technician says "PIN"). */
  readonly pinLabel: string;
  readonly pinHint: string;
  readonly connectButton: string;
  readonly connectingButtonBusy: string;
  readonly noScript: string;
  readonly privacyNote: string;

  readonly errorPinIncomplete: string;
  readonly errorPinInvalid: string;
  /** A wait readable aloud: "42 seconds", "9:59 minutes". */
  readonly formatWait: (seconds: number) => string;
  readonly errorTooManyAttempts: (wait: string) => string;
  readonly errorNetwork: string;
  readonly errorUnavailable: string;
  readonly errorUnexpected: string;
  readonly retryButton: string;
  readonly retryCountdown: (wait: string) => string;
  readonly retryNow: string;

  readonly downloadHeading: (technician: string) => string;
  readonly downloadIntro: string;
  readonly stepDownloadTitle: string;
  readonly downloadButton: string;
  readonly downloadFileNote: (fileName: string) => string;
  readonly stepRunTitle: string;
  /** Steps per system; a step may carry a command shown verbatim (never translated). */
  readonly runSteps: (fileName: string) => Readonly<Record<OperatingSystem, readonly RunStep[]>>;
  readonly osNames: Readonly<Record<OperatingSystem, string>>;
  /** Steps for the native app of each system (no Node.js needed). */
  readonly appSteps: (fileName: string) => Readonly<Record<OperatingSystem, readonly RunStep[]>>;
  readonly platformNames: Readonly<Record<DownloadPlatform, string>>;
  /** "87 MB", "0.15 MB", in this language's number format. */
  readonly formatSize: (bytes: number) => string;
  readonly downloadSize: (size: string) => string;
  /** Link text of a download for another system. */
  readonly downloadFor: (platformName: string, size: string) => string;
  readonly otherDownloads: string;
  readonly detectedOs: (os: string) => string;
  readonly otherSystems: string;
  readonly copyButton: string;
  readonly copiedButton: string;
  readonly copiedStatus: string;
  readonly copyManually: string;
  readonly nodeRequirement: string;
  readonly stepProgressTitle: string;

  readonly statusNames: Readonly<Record<ProgressStatus, string>>;
  readonly statusDetails: Readonly<Record<ProgressStatus, (technician: string) => string>>;
  readonly statusLabel: string;
  readonly statusTrouble: string;
  readonly statusUnavailable: string;
  /** The live part of the page: browser join, verification code, chat, screen sharing. */
  readonly live: LiveStrings;
}

export interface LiveStrings {
  readonly browserTitle: string;
  readonly browserIntro: string;
  readonly browserJoinButton: string;
  readonly browserJoinFailed: string;
  readonly waitingInBrowser: (technician: string) => string;
  readonly activeInBrowser: (technician: string) => string;
  readonly verificationLabel: string;
  readonly verificationHint: string;
  readonly chatTitle: (technician: string) => string;
  readonly chatEmpty: string;
  readonly chatMessage: string;
  readonly chatSend: string;
  readonly chatYou: string;
  readonly chatNotSent: string;
  readonly screenRequestTitle: (technician: string) => string;
  readonly screenRequestText: string;
  readonly shareScreen: string;
  readonly decline: string;
  readonly sharingWith: (technician: string) => string;
  readonly stopSharing: string;
  readonly sharingEnded: string;
  readonly sharingDeclined: string;
  readonly sharingFailed: string;
  readonly screenUnsupported: (technician: string) => string;
}

export interface RunStep {
  readonly text: string;
  readonly command?: string;
}

export type Language = 'en' | 'de';

export const languages: Readonly<Record<Language, PinStrings>> = { en, de };

export const defaultLanguage: Language = 'en';

export const languageStorageKey = 'pin-page.language';

export function isLanguage(value: unknown): value is Language {
  return value === 'en' || value === 'de';
}

/**
 * The customer's explicit choice wins; otherwise the first of the browser's
 * preferred languages we speak ("de-AT" counts as German), else English.
 */
export function chooseLanguage(stored: string | null | undefined, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLanguage(primary)) return primary;
  }
  return defaultLanguage;
}
