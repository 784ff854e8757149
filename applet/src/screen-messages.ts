import type { Language } from './i18n.ts';

/** What the customer reads about screen view and remote control, German and English. */
export interface ScreenMessages {
  readonly viewQuestion: (technician: string) => string;
  readonly controlQuestion: (technician: string) => string;
  readonly beingViewed: (technician: string) => string;
  readonly beingControlled: (technician: string) => string;
  readonly viewDeclined: string;
  readonly controlDeclined: string;
  readonly controlRevoked: string;
  readonly controlReleased: (technician: string) => string;
  readonly viewEnded: string;
  readonly inputRefused: string;
  readonly cannotCapture: (reason: string) => string;
  /** `--display` off X11: robotjs captures and controls the main display only. */
  readonly displayChoiceUnsupported: string;
}

const english: ScreenMessages = {
  viewQuestion: (technician) => `${technician} asks to see your screen. Share your screen? [y/N] `,
  controlQuestion: (technician) => `${technician} asks to control your mouse and keyboard. Allow? [y/N] `,
  beingViewed: (technician) => `>>> ${technician} is viewing your screen. Type "stop" to end it.`,
  beingControlled: (technician) => `>>> ${technician} is viewing and CONTROLLING your screen. Type "stop" to take back control at once.`,
  viewDeclined: 'You declined; your screen is not shared.',
  controlDeclined: 'You declined; the technician only sees your screen.',
  controlRevoked: 'You took back control; the technician can no longer use your mouse and keyboard.',
  controlReleased: (technician) => `${technician} handed back control.`,
  viewEnded: 'Your screen is no longer shared.',
  inputRefused: 'control: input refused (not granted)',
  cannotCapture: (reason) => `Your screen cannot be shared from this app: ${reason}`,
  displayChoiceUnsupported:
    '--display chooses an X display (Linux); on Windows and macOS the app shares the main display only. Start it without --display.',
};

const german: ScreenMessages = {
  viewQuestion: (technician) => `${technician} möchte Ihren Bildschirm sehen. Bildschirm freigeben? [j/N] `,
  controlQuestion: (technician) => `${technician} möchte Maus und Tastatur steuern. Erlauben? [j/N] `,
  beingViewed: (technician) => `>>> ${technician} sieht Ihren Bildschirm. Mit "stop" beenden Sie das.`,
  beingControlled: (technician) =>
    `>>> ${technician} sieht und STEUERT Ihren Bildschirm. Mit "stop" nehmen Sie die Steuerung sofort zurück.`,
  viewDeclined: 'Abgelehnt; Ihr Bildschirm wird nicht freigegeben.',
  controlDeclined: 'Abgelehnt; der Techniker sieht Ihren Bildschirm nur.',
  controlRevoked: 'Sie haben die Steuerung zurückgenommen; der Techniker kann Maus und Tastatur nicht mehr benutzen.',
  controlReleased: (technician) => `${technician} hat die Steuerung zurückgegeben.`,
  viewEnded: 'Ihr Bildschirm wird nicht mehr freigegeben.',
  // A stable line like status: and chat: (tests and scripts read it in every language).
  inputRefused: 'control: input refused (not granted)',
  cannotCapture: (reason) => `Ihr Bildschirm kann von dieser App nicht freigegeben werden: ${reason}`,
  displayChoiceUnsupported:
    '--display wählt ein X-Display (Linux); unter Windows und macOS gibt die App nur den Hauptbildschirm frei. Starten Sie sie ohne --display.',
};

export function screenMessagesFor(language: Language): ScreenMessages {
  return language === 'de' ? german : english;
}

/**
 * Where capture or input cannot work, said before the customer wonders why:
 * macOS asks for two permissions, Wayland without X has no screen for the
 * app, Windows keeps elevated windows (UAC) out of reach of a normal app.
 */
export function platformLimits(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
  language: Language,
): string | undefined {
  const de = language === 'de';
  if (platform === 'darwin') {
    return de
      ? 'macOS fragt beim ersten Teilen nach „Bildschirmaufnahme“ und für die Steuerung nach „Bedienungshilfen“ (Systemeinstellungen › Datenschutz & Sicherheit). Ohne diese Erlaubnis sieht der Techniker nur den Hintergrund und kann nichts steuern.'
      : 'macOS asks for "Screen Recording" on the first share and "Accessibility" for control (System Settings › Privacy & Security). Without them the technician sees only the desktop background and cannot control anything.';
  }
  if (platform === 'linux' && !env.DISPLAY) {
    return de
      ? 'Diese Sitzung hat keinen X-Server (DISPLAY ist nicht gesetzt, z. B. Wayland ohne XWayland): Bildschirm teilen und Steuerung sind hier nicht möglich; der Chat funktioniert.'
      : 'This session has no X server (DISPLAY is not set, e.g. Wayland without XWayland): screen sharing and control cannot work here; the chat does.';
  }
  if (platform === 'win32') {
    return de
      ? 'Hinweis: Fenster, die als Administrator laufen, und Abfragen der Benutzerkontensteuerung (UAC) kann der Techniker sehen, aber nicht bedienen; das müssen Sie selbst tun.'
      : 'Note: windows running as administrator and User Account Control (UAC) prompts can be seen but not operated by the technician; you answer those yourself.';
  }
  return undefined;
}
