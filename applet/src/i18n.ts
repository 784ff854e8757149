/**
 * The customer-facing wording, German and English. Only the explanatory lines
 * are translated: the status, chat and error lines on stdout keep one English
 * format in every language so that scripts and tests can rely on them
 * (docs/applet.md, decision 0201).
 */
export const languages = ['de', 'en'] as const;
export type Language = (typeof languages)[number];

export function isLanguage(value: string): value is Language {
  return (languages as readonly string[]).includes(value);
}

/**
 * The language of the customer's terminal: the POSIX locale variables first
 * (what the shell is set to), then the locale Node's Intl resolves (what
 * Windows and macOS users have chosen in their settings).
 */
export function detectLanguage(env: Readonly<Record<string, string | undefined>>, intlLocale: string | undefined): Language {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG', 'LANGUAGE']) {
    const value = env[name]?.trim();
    // "C" and "POSIX" say nothing about a language; let the next source decide.
    if (value && /^[a-z]{2,3}(?:[_.@:-]|$)/i.test(value)) {
      return value.toLowerCase().startsWith('de') ? 'de' : 'en';
    }
  }
  return intlLocale?.toLowerCase().startsWith('de') ? 'de' : 'en';
}

export interface Messages {
  readonly usage: (command: string) => string;
  readonly invalidArguments: (problem: string) => string;
  readonly noTicket: string;
  readonly noServer: string;
  readonly willConnectTo: (host: string) => string;
  readonly confirmQuestion: string;
  readonly acceptsAnswer: (answer: string) => boolean;
  readonly declined: string;
  readonly waitingHint: string;
  /** Read aloud to the technician, who sees the same two digits beside Start. */
  readonly verificationCode: (code: string) => string;
  readonly activeHint: string;
  readonly closedHint: string;
  readonly chatNotOpenYet: string;
  readonly notConnected: string;
  readonly messageTooLong: (maxCharacters: number) => string;
  readonly endingSession: string;
  readonly ticketRejected: string;
  readonly gaveUp: (seconds: number) => string;
  readonly interrupted: string;
  /** The native app on Windows, before its console window closes. */
  readonly pressEnterToClose: string;
}

const english: Messages = {
  usage: (command) =>
    [
      `Usage: ${command} [options]`,
      '',
      'Connects this computer to your support technician for one support session.',
      'The session ticket is taken from the file name this program was downloaded with.',
      '',
      'Options:',
      '  -y, --yes             connect without asking first (unattended)',
      '      --ticket <t>      use this session ticket instead of the one in the file name',
      '      --server <url>    server origin, e.g. http://127.0.0.1:3000 (when not downloaded)',
      '      --ws-url <url>    WebSocket URL, e.g. ws://127.0.0.1:3000/ws (overrides --server)',
      '      --lang <de|en>    language of the messages (default: from the system locale)',
      '      --display <:N.S>  Linux/X11: share this X display and screen (default: DISPLAY)',
      '  -h, --help            show this help',
      '      --version         show the version',
      '',
      'While connected: type a line and press Enter to chat; /quit ends the session.',
      '',
      'Exit codes: 0 session closed, 1 not connected (declined) or unexpected failure,',
      '2 usage error or missing ticket/server, 3 ticket not valid or session ended,',
      '4 server unreachable for too long, 130 interrupted (Ctrl+C).',
    ].join('\n'),
  invalidArguments: (problem) => `${problem}\nRun with --help to see the options.`,
  noTicket:
    'No session ticket found. Run the program under the name it was downloaded with ' +
    '(RemoteSupport_<ticket>, RemoteSupport_<ticket>.exe or RemoteSupport_<ticket>.cjs) or pass --ticket <ticket>.',
  noServer: 'This copy does not know its server. Pass --server <http origin> or --ws-url <WebSocket URL>.',
  willConnectTo: (host) => `This program connects your computer to a support technician at ${host}.`,
  confirmQuestion: 'Connect to the technician? [y/N] ',
  acceptsAnswer: (answer) => /^(y|yes)$/i.test(answer.trim()),
  declined: 'Not connected.',
  waitingHint: 'Please wait: your technician will join the session shortly.',
  verificationCode: (code) => `Verification code: ${code} (your technician may ask you to read it out)`,
  activeHint: 'Your technician has joined. Type a message and press Enter to chat; /quit ends the session.',
  closedHint: 'The support session has ended. You can close this window.',
  chatNotOpenYet: 'note: chat opens when the technician joins; your message was not sent.',
  notConnected: 'note: not connected right now; your message was not sent.',
  messageTooLong: (max) => `note: messages can be at most ${max} characters; your message was not sent.`,
  endingSession: 'Ending the session...',
  ticketRejected: 'The ticket is not valid or the session has ended. Ask your technician for a new PIN and download the program again.',
  gaveUp: (seconds) => `Could not reach the server for ${seconds} seconds; giving up. Check your internet connection and try again.`,
  interrupted: 'Interrupted. The connection is closed; the session stays open until your technician closes it.',
  pressEnterToClose: 'Press Enter to close this window.',
};

const german: Messages = {
  usage: (command) =>
    [
      `Aufruf: ${command} [Optionen]`,
      '',
      'Verbindet diesen Computer für eine Support-Sitzung mit Ihrem Techniker.',
      'Das Sitzungsticket steht im Dateinamen, unter dem dieses Programm heruntergeladen wurde.',
      '',
      'Optionen:',
      '  -y, --yes             ohne Rückfrage verbinden (unbeaufsichtigt)',
      '      --ticket <t>      dieses Sitzungsticket statt des Tickets im Dateinamen verwenden',
      '      --server <url>    Server-Adresse, z. B. http://127.0.0.1:3000 (wenn nicht heruntergeladen)',
      '      --ws-url <url>    WebSocket-URL, z. B. ws://127.0.0.1:3000/ws (hat Vorrang vor --server)',
      '      --lang <de|en>    Sprache der Meldungen (Standard: aus der Systemsprache)',
      '      --display <:N.S>  Linux/X11: dieses X-Display und diesen Bildschirm freigeben (sonst DISPLAY)',
      '  -h, --help            diese Hilfe anzeigen',
      '      --version         Version anzeigen',
      '',
      'Während der Sitzung: Zeile eingeben und Enter drücken, um zu chatten; /quit beendet die Sitzung.',
      '',
      'Exit-Codes: 0 Sitzung beendet, 1 nicht verbunden (abgelehnt) oder unerwarteter Fehler,',
      '2 falscher Aufruf oder Ticket/Server fehlt, 3 Ticket ungültig oder Sitzung beendet,',
      '4 Server zu lange nicht erreichbar, 130 abgebrochen (Strg+C).',
    ].join('\n'),
  invalidArguments: (problem) => `${problem}\nMit --help werden die Optionen angezeigt.`,
  noTicket:
    'Kein Sitzungsticket gefunden. Starten Sie das Programm unter dem Namen, unter dem es heruntergeladen wurde ' +
    '(RemoteSupport_<Ticket>, RemoteSupport_<Ticket>.exe oder RemoteSupport_<Ticket>.cjs), oder geben Sie --ticket <Ticket> an.',
  noServer: 'Diese Kopie kennt ihren Server nicht. Geben Sie --server <HTTP-Adresse> oder --ws-url <WebSocket-URL> an.',
  willConnectTo: (host) => `Dieses Programm verbindet Ihren Computer mit einem Support-Techniker bei ${host}.`,
  confirmQuestion: 'Verbindung zum Techniker herstellen? [j/N] ',
  acceptsAnswer: (answer) => /^(j|ja|y|yes)$/i.test(answer.trim()),
  declined: 'Nicht verbunden.',
  waitingHint: 'Bitte warten: Ihr Techniker tritt der Sitzung gleich bei.',
  verificationCode: (code) => `Bestätigungscode: ${code} (Ihr Techniker bittet Sie vielleicht, ihn vorzulesen)`,
  activeHint: 'Ihr Techniker ist verbunden. Nachricht eingeben und Enter drücken, um zu chatten; /quit beendet die Sitzung.',
  closedHint: 'Die Support-Sitzung ist beendet. Sie können dieses Fenster schließen.',
  chatNotOpenYet: 'Hinweis: Der Chat ist möglich, sobald der Techniker beitritt; Ihre Nachricht wurde nicht gesendet.',
  notConnected: 'Hinweis: Zurzeit keine Verbindung; Ihre Nachricht wurde nicht gesendet.',
  messageTooLong: (max) => `Hinweis: Nachrichten dürfen höchstens ${max} Zeichen lang sein; Ihre Nachricht wurde nicht gesendet.`,
  endingSession: 'Sitzung wird beendet...',
  ticketRejected:
    'Das Ticket ist ungültig oder die Sitzung ist beendet. Bitten Sie Ihren Techniker um einen neuen PIN-Code und laden Sie das Programm erneut herunter.',
  gaveUp: (seconds) =>
    `Der Server war ${seconds} Sekunden lang nicht erreichbar; Abbruch. Prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.`,
  interrupted: 'Abgebrochen. Die Verbindung ist getrennt; die Sitzung bleibt offen, bis Ihr Techniker sie schließt.',
  pressEnterToClose: 'Drücken Sie die Eingabetaste, um dieses Fenster zu schließen.',
};

export function messagesFor(language: Language): Messages {
  return language === 'de' ? german : english;
}
