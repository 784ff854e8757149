import type { SessionStatus } from '../../../lambdas/domain/session-model.ts';

/**
 * Every visible or spoken string of the console, in English and German. The
 * German names follow the seed help article ("Neue Sitzung", "PIN-Code
 * erstellen", "Bitte warten", "Starten", ...), so a technician who knows the
 * original product finds the same words.
 */
export const languages = ['en', 'de'] as const;
export type Language = (typeof languages)[number];

const english = {
  appTitle: 'Technician console',
  language: 'Language',
  languageName: 'English',
  signInHeading: 'Sign in',
  signInIntro: 'Choose your technician account.',
  signInLocalNote: 'Local runtime: accounts come from the built-in identity provider.',
  signInAs: 'Sign in as {name}',
  signInCognito: 'Sign in with your company account',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  signedInAs: 'Signed in as {name}',
  groupsLabel: 'Groups: {groups}',
  noGroups: 'no group',
  sessionExpired: 'Your sign-in has expired. Please sign in again.',
  sessionToolbar: 'Session',
  newSession: 'New session',
  createNewSession: 'Create new session',
  nameField: 'Name',
  nameHint: "The customer's name or another identifier. You find the session by it in Active sessions.",
  nameRequired: "Enter the customer's name or another identifier.",
  nameTooLong: 'The name is too long (at most {max} characters).',
  connectionMethod: 'Connection method',
  pinCodeTab: 'PIN code',
  createPinCode: 'Create PIN code',
  creatingPinCode: 'Creating PIN code…',
  pinCodeFor: 'PIN code for {name}',
  pinCodeInstructions: 'Read this PIN code to the customer. They enter it on the PIN page and click "Connect to technician".',
  pinSpoken: 'PIN code {digits}',
  copyPin: 'Copy PIN code',
  copied: 'PIN code copied.',
  copyFailed: 'Copying failed. Select the PIN code and copy it yourself.',
  pinValidFor: 'Valid for {time}',
  pinExpired: 'This PIN code has expired.',
  done: 'Done',
  cancel: 'Cancel',
  noPinPermission:
    'You cannot create PIN codes: your group ({groups}) is not allowed to use the PIN-code connection method. Ask your administrator to allow it.',
  noSessionPermission:
    'You cannot create sessions: your group ({groups}) is not allowed to start private sessions. Ask your administrator to allow it.',
  activeSessions: 'Active sessions',
  sessionCount: '{count} sessions',
  noSessions: 'No sessions yet. Use "New session" to create one.',
  columnCustomer: 'Customer',
  columnStatus: 'Status',
  columnTimeInStatus: 'Time in status',
  columnPinExpiry: 'PIN code expires',
  columnActions: 'Actions',
  sortBy: 'Sort by {column}',
  open: 'Open',
  start: 'Start',
  close: 'Close',
  dismiss: 'Remove',
  startHint: 'Start is available once the customer is waiting.',
  pinExpiresIn: 'in {time}',
  pinExpiredShort: 'expired',
  noPin: '—',
  liveConnected: 'Live updates on',
  liveConnecting: 'Connecting live updates…',
  liveReconnecting: 'Live updates interrupted. Reconnecting in {seconds} s…',
  soundOnArrival: 'Sound when a customer is waiting',
  waitingCustomers: 'Waiting customers',
  customerWaiting: '{name} is waiting. Select the session and click Start.',
  openSessions: 'Open sessions',
  noOpenSession: 'Open a session from the list to see its details, chat and log.',
  closeTab: 'Close tab',
  sessionHeading: 'Session: {name}',
  statusLine: 'Status: {status} for {time}',
  systemInfo: 'Customer system information',
  systemInfoMissing: 'The applet has not reported system information yet.',
  chat: 'Chat',
  chatWith: 'Chat with {name}',
  chatEmpty: 'No messages yet.',
  chatUnavailable: 'Chat is available while the session is active.',
  chatMessage: 'Message',
  send: 'Send',
  you: 'You',
  customer: 'Customer',
  chatFrom: 'New message from {name}: {text}',
  notSent: 'Not sent: live connection is down. It will be back in a moment.',
  sessionLog: 'Session log',
  logEmpty: 'The log is empty.',
  actorSystem: 'System',
  actorTechnician: 'Technician',
  actorCustomer: 'Customer',
  sessionClosedNotice: 'The session with {name} was closed.',
  sessionStarted: 'Session with {name} started.',
  retry: 'Try again',
  loading: 'Loading…',
  'info.os': 'Operating system',
  'info.osVersion': 'OS version',
  'info.arch': 'Architecture',
  'info.hostname': 'Computer name',
  'info.cpus': 'Processors',
  'info.cpuModel': 'Processor model',
  'info.memoryBytes': 'Memory',
  'info.uptimeSeconds': 'Up for',
  'info.locale': 'Locale',
  'info.timeZone': 'Time zone',
  'info.appletVersion': 'Applet version',
  'info.nodeVersion': 'Node.js version',
  'info.ip': 'IP address',
  'info.userAgent': 'Browser (PIN page)',
  'info.connected': 'Applet connected',
  yes: 'yes',
  no: 'no',
  'status.created': 'Created',
  'status.pending': 'PIN code issued',
  'status.connecting': 'Connecting',
  'status.waiting': 'Waiting',
  'status.active': 'Active',
  'status.closed': 'Closed',
  'status.expired': 'PIN code expired',
  'status.timed_out': 'Timed out',
  'error.validation_failed': 'The input was not accepted: {message}',
  'error.unauthorized': 'Your sign-in is no longer valid. Please sign in again.',
  'error.forbidden': 'You are not allowed to do this: {message}',
  'error.forbidden.pinCode': 'Your group is not allowed to use the PIN-code connection method.',
  'error.forbidden.privateSessions': 'Your group is not allowed to start private sessions.',
  'error.not_found': 'This session no longer exists.',
  'error.invalid_transition': 'This is not possible in the session\u2019s current state. The list has been refreshed.',
  'error.pin_space_exhausted': 'No free PIN code is available right now. Try again in a minute.',
  'error.unavailable': 'The service is temporarily unavailable. Try again in a moment.',
  'error.too_many_attempts': 'Too many attempts. Try again later.',
  'error.internal': 'Something went wrong on the server. Try again; if it keeps happening, tell your administrator.',
  'error.network': 'The service cannot be reached. Check your network connection and try again.',
  'error.unknown': 'Unexpected answer from the service ({status}).',
  'error.config': 'The console configuration (/config.json) could not be loaded. Tell your administrator.',
  'error.cognitoState': 'The sign-in could not be completed (the answer did not match the request). Please sign in again.',
  'error.cognito': 'The sign-in service refused the sign-in: {message}',
  'error.noTechnicians': 'No technician accounts are configured.',
} as const;

export type MessageKey = keyof typeof english;
type Catalog = Record<MessageKey, string>;

const german: Catalog = {
  appTitle: 'Technikerkonsole',
  language: 'Sprache',
  languageName: 'Deutsch',
  signInHeading: 'Anmelden',
  signInIntro: 'Wählen Sie Ihr Technikerkonto.',
  signInLocalNote: 'Lokale Laufzeitumgebung: Die Konten stammen vom eingebauten Identitätsanbieter.',
  signInAs: 'Als {name} anmelden',
  signInCognito: 'Mit dem Firmenkonto anmelden',
  signingIn: 'Anmeldung läuft…',
  signOut: 'Abmelden',
  signedInAs: 'Angemeldet als {name}',
  groupsLabel: 'Gruppen: {groups}',
  noGroups: 'keine Gruppe',
  sessionExpired: 'Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.',
  sessionToolbar: 'Sitzung',
  newSession: 'Neue Sitzung',
  createNewSession: 'Neue Sitzung erstellen',
  nameField: 'Name',
  nameHint: 'Name des Kunden bzw. eine andere Kundenkennung. Anhand dieses Namens finden Sie die Sitzung unter „Aktive Sitzungen“.',
  nameRequired: 'Geben Sie den Namen des Kunden bzw. eine andere Kundenkennung ein.',
  nameTooLong: 'Der Name ist zu lang (höchstens {max} Zeichen).',
  connectionMethod: 'Verbindungsmethode',
  pinCodeTab: 'PIN-Code',
  createPinCode: 'PIN-Code erstellen',
  creatingPinCode: 'PIN-Code wird erstellt…',
  pinCodeFor: 'PIN-Code für {name}',
  pinCodeInstructions:
    'Nennen Sie dem Kunden diesen PIN-Code. Er gibt ihn auf der PIN-Seite ein und klickt auf „Verbindung zum Techniker herstellen“.',
  pinSpoken: 'PIN-Code {digits}',
  copyPin: 'PIN-Code kopieren',
  copied: 'PIN-Code kopiert.',
  copyFailed: 'Kopieren fehlgeschlagen. Markieren Sie den PIN-Code und kopieren Sie ihn selbst.',
  pinValidFor: 'Noch {time} gültig',
  pinExpired: 'Dieser PIN-Code ist abgelaufen.',
  done: 'Fertig',
  cancel: 'Abbrechen',
  noPinPermission:
    'Sie können keine PIN-Codes erstellen: Ihre Technikergruppe ({groups}) ist nicht zur Verwendung der PIN-Code-Verbindungsmethode berechtigt. Bitten Sie Ihren Administrator um die Berechtigung.',
  noSessionPermission:
    'Sie können keine Sitzungen erstellen: Ihre Technikergruppe ({groups}) ist nicht berechtigt, private Sitzungen zu starten. Bitten Sie Ihren Administrator um die Berechtigung.',
  activeSessions: 'Aktive Sitzungen',
  sessionCount: '{count} Sitzungen',
  noSessions: 'Noch keine Sitzungen. Mit „Neue Sitzung“ erstellen Sie eine.',
  columnCustomer: 'Kunde',
  columnStatus: 'Status',
  columnTimeInStatus: 'Zeit im Status',
  columnPinExpiry: 'PIN-Code läuft ab',
  columnActions: 'Aktionen',
  sortBy: 'Nach {column} sortieren',
  open: 'Öffnen',
  start: 'Starten',
  close: 'Schließen',
  dismiss: 'Entfernen',
  startHint: 'Starten ist möglich, sobald der Kunde wartet.',
  pinExpiresIn: 'in {time}',
  pinExpiredShort: 'abgelaufen',
  noPin: '—',
  liveConnected: 'Live-Aktualisierung aktiv',
  liveConnecting: 'Live-Aktualisierung wird verbunden…',
  liveReconnecting: 'Live-Aktualisierung unterbrochen. Neuer Versuch in {seconds} s…',
  soundOnArrival: 'Ton, wenn ein Kunde wartet',
  waitingCustomers: 'Wartende Kunden',
  customerWaiting: '{name} wartet. Wählen Sie die Sitzung aus und klicken Sie auf Starten.',
  openSessions: 'Geöffnete Sitzungen',
  noOpenSession: 'Öffnen Sie eine Sitzung aus der Liste, um Details, Chat und Protokoll zu sehen.',
  closeTab: 'Registerkarte schließen',
  sessionHeading: 'Sitzung: {name}',
  statusLine: 'Status: {status} seit {time}',
  systemInfo: 'Systeminformationen des Kunden',
  systemInfoMissing: 'Das Applet hat noch keine Systeminformationen gemeldet.',
  chat: 'Chat',
  chatWith: 'Chat mit {name}',
  chatEmpty: 'Noch keine Nachrichten.',
  chatUnavailable: 'Der Chat ist verfügbar, solange die Sitzung aktiv ist.',
  chatMessage: 'Nachricht',
  send: 'Senden',
  you: 'Sie',
  customer: 'Kunde',
  chatFrom: 'Neue Nachricht von {name}: {text}',
  notSent: 'Nicht gesendet: Die Live-Verbindung ist unterbrochen. Sie steht gleich wieder zur Verfügung.',
  sessionLog: 'Sitzungsprotokoll',
  logEmpty: 'Das Protokoll ist leer.',
  actorSystem: 'System',
  actorTechnician: 'Techniker',
  actorCustomer: 'Kunde',
  sessionClosedNotice: 'Die Sitzung mit {name} wurde geschlossen.',
  sessionStarted: 'Sitzung mit {name} gestartet.',
  retry: 'Erneut versuchen',
  loading: 'Wird geladen…',
  'info.os': 'Betriebssystem',
  'info.osVersion': 'Betriebssystemversion',
  'info.arch': 'Architektur',
  'info.hostname': 'Computername',
  'info.cpus': 'Prozessoren',
  'info.cpuModel': 'Prozessormodell',
  'info.memoryBytes': 'Arbeitsspeicher',
  'info.uptimeSeconds': 'Läuft seit',
  'info.locale': 'Gebietsschema',
  'info.timeZone': 'Zeitzone',
  'info.appletVersion': 'Applet-Version',
  'info.nodeVersion': 'Node.js-Version',
  'info.ip': 'IP-Adresse',
  'info.userAgent': 'Browser (PIN-Seite)',
  'info.connected': 'Applet verbunden',
  yes: 'ja',
  no: 'nein',
  'status.created': 'Erstellt',
  'status.pending': 'PIN-Code ausgegeben',
  'status.connecting': 'Verbindung wird hergestellt',
  'status.waiting': 'Bitte warten',
  'status.active': 'Aktiv',
  'status.closed': 'Geschlossen',
  'status.expired': 'PIN-Code abgelaufen',
  'status.timed_out': 'Zeitüberschreitung',
  'error.validation_failed': 'Die Eingabe wurde nicht angenommen: {message}',
  'error.unauthorized': 'Ihre Anmeldung ist nicht mehr gültig. Bitte melden Sie sich erneut an.',
  'error.forbidden': 'Dazu sind Sie nicht berechtigt: {message}',
  'error.forbidden.pinCode': 'Ihre Technikergruppe ist nicht zur Verwendung der PIN-Code-Verbindungsmethode berechtigt.',
  'error.forbidden.privateSessions': 'Ihre Technikergruppe ist nicht berechtigt, private Sitzungen zu starten.',
  'error.not_found': 'Diese Sitzung existiert nicht mehr.',
  'error.invalid_transition': 'Das ist im aktuellen Zustand der Sitzung nicht möglich. Die Liste wurde aktualisiert.',
  'error.pin_space_exhausted': 'Derzeit ist kein freier PIN-Code verfügbar. Versuchen Sie es in einer Minute erneut.',
  'error.unavailable': 'Der Dienst ist vorübergehend nicht verfügbar. Versuchen Sie es gleich noch einmal.',
  'error.too_many_attempts': 'Zu viele Versuche. Versuchen Sie es später erneut.',
  'error.internal':
    'Auf dem Server ist ein Fehler aufgetreten. Versuchen Sie es erneut; wenn es wieder passiert, informieren Sie Ihren Administrator.',
  'error.network': 'Der Dienst ist nicht erreichbar. Prüfen Sie Ihre Netzwerkverbindung und versuchen Sie es erneut.',
  'error.unknown': 'Unerwartete Antwort des Dienstes ({status}).',
  'error.config': 'Die Konsolenkonfiguration (/config.json) konnte nicht geladen werden. Informieren Sie Ihren Administrator.',
  'error.cognitoState': 'Die Anmeldung konnte nicht abgeschlossen werden (die Antwort passte nicht zur Anfrage). Bitte melden Sie sich erneut an.',
  'error.cognito': 'Der Anmeldedienst hat die Anmeldung abgelehnt: {message}',
  'error.noTechnicians': 'Es sind keine Technikerkonten eingerichtet.',
};

const catalogs: Record<Language, Catalog> = { en: english, de: german };

export const messageKeys = Object.keys(english) as MessageKey[];

export type Translate = (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;

export function translator(language: Language): Translate {
  const catalog = catalogs[language];
  return (key, values) => {
    const template = catalog[key];
    if (!values) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
  };
}

export function statusLabel(t: Translate, status: SessionStatus): string {
  return t(`status.${status}`);
}

/** The stored choice wins; otherwise the first browser language we speak; otherwise English. */
export function pickLanguage(stored: string | null, browserLanguages: readonly string[]): Language {
  if (stored && isLanguage(stored)) return stored;
  for (const tag of browserLanguages) {
    const primary = tag.toLowerCase().split('-')[0] ?? '';
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}

export function isLanguage(value: string): value is Language {
  return (languages as readonly string[]).includes(value);
}

export const languageNames: Record<Language, string> = { en: english.languageName, de: german.languageName };

/** BCP 47 tags for Intl formatting. */
export const locales: Record<Language, string> = { en: 'en-GB', de: 'de-DE' };
