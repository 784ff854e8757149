import type { PinStrings, RunStep } from '../i18n.ts';

/** The applet's own question (applet/src/i18n.ts), quoted so the customer recognises it. */
const confirmStep: RunStep = {
  text: 'Wenn die App fragt „Verbindung zum Techniker herstellen? [j/N]“, geben Sie j ein und drücken Sie die Eingabetaste.',
};

/**
 * Every German string of the PIN page. Button and status wording follow the
 * seed help article ("Verbindung zum Techniker herstellen", "Verbindung wird
 * hergestellt", "Bitte warten", "Aktiv"); the field stays "PIN".
 */
export const de: PinStrings = {
  languageName: 'Deutsch',
  languageSwitchLabel: 'Sprache',
  pageTitle: 'Verbindung zu Ihrem Techniker – Fernwartung',
  brand: 'Fernwartung',
  heading: 'Verbindung zu Ihrem Techniker',
  intro: 'Geben Sie die 6-stellige PIN ein, die Ihnen Ihr Techniker genannt hat.',
  pinLabel: 'PIN',
  pinHint: '6 Ziffern, zum Beispiel 123 456',
  connectButton: 'Verbindung zum Techniker herstellen',
  connectingButtonBusy: 'PIN wird geprüft…',
  noScript:
    'Diese Seite benötigt JavaScript, um die Verbindung herzustellen. Bitte aktivieren Sie JavaScript in Ihrem Browser oder fragen Sie Ihren Techniker.',
  privacyNote: 'Über Ihren Computer wird erst etwas übermittelt, wenn Sie die Support-App starten und der Verbindung zustimmen.',

  errorPinIncomplete: 'Bitte geben Sie alle 6 Ziffern der PIN ein.',
  errorPinInvalid: 'Diese PIN ist ungültig oder abgelaufen. Bitte fragen Sie Ihren Techniker nach einer neuen PIN.',
  formatWait: (seconds) =>
    seconds < 60
      ? `${seconds} ${seconds === 1 ? 'Sekunde' : 'Sekunden'}`
      : `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')} Minuten`,
  errorTooManyAttempts: (wait) => `Zu viele Versuche. Bitte warten Sie ${wait} und versuchen Sie es dann erneut.`,
  errorNetwork: 'Der Dienst ist nicht erreichbar. Bitte prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.',
  errorUnavailable: 'Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es gleich noch einmal.',
  errorUnexpected: 'Bei uns ist ein Fehler aufgetreten. Bitte versuchen Sie es erneut.',
  retryButton: 'Erneut versuchen',
  retryCountdown: (wait) => `Sie können es in ${wait} erneut versuchen.`,
  retryNow: 'Sie können es jetzt erneut versuchen.',

  downloadHeading: (technician) => `${technician} ist bereit, Ihnen zu helfen`,
  downloadIntro: 'Drei kurze Schritte, dann kann Ihr Techniker Ihnen helfen.',
  stepDownloadTitle: 'Support-App herunterladen',
  downloadButton: 'Support-App herunterladen',
  downloadFileNote: (fileName) => `Dateiname: ${fileName}. Bitte behalten Sie diesen Namen bei: Daran erkennt die App Ihre Sitzung.`,
  stepRunTitle: 'Support-App starten',
  runSteps: (fileName) => ({
    windows: [
      { text: 'Öffnen Sie Ihren Download-Ordner im Datei-Explorer.' },
      {
        text: 'Klicken Sie oben in die Adressleiste, geben Sie cmd ein und drücken Sie die Eingabetaste. Ein Terminalfenster öffnet sich in diesem Ordner.',
      },
      { text: 'Geben Sie diesen Befehl ein und drücken Sie die Eingabetaste:', command: `node ${fileName}` },
      confirmStep,
    ],
    macos: [
      { text: 'Öffnen Sie das Terminal (unter Programme › Dienstprogramme).' },
      { text: 'Wechseln Sie in Ihren Download-Ordner:', command: 'cd ~/Downloads' },
      { text: 'Starten Sie die Support-App:', command: `node ${fileName}` },
      confirmStep,
    ],
    linux: [
      { text: 'Öffnen Sie ein Terminal.' },
      { text: 'Wechseln Sie in Ihren Download-Ordner:', command: 'cd ~/Downloads' },
      { text: 'Starten Sie die Support-App:', command: `node ${fileName}` },
      confirmStep,
    ],
  }),
  osNames: { windows: 'Windows', macos: 'macOS', linux: 'Linux' },
  appSteps: (fileName) => ({
    windows: [
      { text: `Öffnen Sie die heruntergeladene Datei ${fileName} (in den Downloads Ihres Browsers oder in Ihrem Download-Ordner).` },
      {
        text: 'Wenn Windows „Der Computer wurde durch Windows geschützt“ anzeigt, klicken Sie auf „Weitere Informationen“ und dann auf „Trotzdem ausführen“.',
      },
      {
        text: 'Ein Fenster öffnet sich. Wenn es fragt „Verbindung zum Techniker herstellen? [j/N]“, geben Sie j ein und drücken Sie die Eingabetaste.',
      },
    ],
    macos: [
      { text: 'Öffnen Sie das Terminal (unter Programme › Dienstprogramme).' },
      { text: 'Wechseln Sie in Ihren Download-Ordner:', command: 'cd ~/Downloads' },
      { text: 'Erlauben Sie die Ausführung und starten Sie die Datei:', command: `chmod +x ${fileName} && ./${fileName}` },
      {
        text: 'Wenn macOS meldet, die App könne nicht geöffnet werden, weil Apple sie nicht überprüfen kann, öffnen Sie Systemeinstellungen › Datenschutz & Sicherheit, klicken Sie neben der App auf „Dennoch öffnen“ und führen Sie den Befehl erneut aus.',
      },
      confirmStep,
    ],
    linux: [
      { text: 'Öffnen Sie ein Terminal.' },
      { text: 'Wechseln Sie in Ihren Download-Ordner:', command: 'cd ~/Downloads' },
      { text: 'Machen Sie die Datei ausführbar und starten Sie sie:', command: `chmod +x ${fileName} && ./${fileName}` },
      confirmStep,
    ],
  }),
  platformNames: {
    'windows-x64': 'Windows',
    'macos-arm64': 'macOS (Apple Silicon: M1 und neuer)',
    'macos-x64': 'macOS (Intel)',
    'linux-x64': 'Linux (x64)',
    'linux-arm64': 'Linux (ARM64)',
    node: 'Node.js-Skript (jedes System mit Node.js 20 oder neuer)',
  },
  formatSize: (bytes) =>
    `${new Intl.NumberFormat('de', { maximumFractionDigits: bytes < 10_000_000 ? 2 : 0 }).format(bytes / 1_000_000)} MB`,
  downloadSize: (size) => `Größe: ${size}.`,
  downloadFor: (platformName, size) => `Download für ${platformName} (${size})`,
  otherDownloads: 'Downloads für andere Systeme',
  detectedOs: (os) => `Anleitung für ${os}`,
  otherSystems: 'Anleitung für andere Systeme',
  copyButton: 'Kopieren',
  copiedButton: 'Kopiert',
  copiedStatus: 'Befehl kopiert. Fügen Sie ihn im Terminal ein und drücken Sie die Eingabetaste.',
  copyManually: 'Der Befehl ist markiert. Kopieren Sie ihn mit Strg+C (am Mac: Cmd+C).',
  nodeRequirement:
    'Die Support-App benötigt Node.js 20 oder neuer. Wird der Befehl nicht gefunden, installieren Sie zuerst Node.js von nodejs.org.',
  stepProgressTitle: 'Wie es weitergeht',

  statusNames: {
    connecting: 'Verbindung wird hergestellt',
    waiting: 'Bitte warten',
    active: 'Aktiv',
    closed: 'Sitzung beendet',
    expired: 'Abgelaufen',
    timed_out: 'Zeitüberschreitung',
  },
  statusDetails: {
    connecting: () => 'Wir warten darauf, dass die Support-App auf Ihrem Computer startet.',
    waiting: (technician) => `Die Support-App ist verbunden. ${technician} ist gleich für Sie da.`,
    active: (technician) => `${technician} ist der Sitzung beigetreten. Im Fenster der Support-App können Sie chatten.`,
    closed: () => 'Die Sitzung wurde beendet. Sie können diese Seite und die Support-App schließen.',
    expired: () => 'Diese Sitzung ist abgelaufen. Bitte fragen Sie Ihren Techniker nach einer neuen PIN.',
    timed_out: () => 'Der Verbindungsaufbau hat zu lange gedauert. Bitte fragen Sie Ihren Techniker nach einer neuen PIN.',
  },
  statusLabel: 'Status',
  statusTrouble: 'Der aktuelle Status kann gerade nicht abgerufen werden. Wir versuchen es weiter…',
  statusUnavailable:
    'Der Status dieser Sitzung ist nicht mehr verfügbar. Wenn Sie weitere Hilfe brauchen, wenden Sie sich an Ihren Techniker.',
  live: {
    browserTitle: 'Keine App? Hier weitermachen',
    browserIntro:
      'Sie können auch direkt in diesem Browserfenster mit Ihrem Techniker chatten und Ihren Bildschirm zeigen. Nur die Fernsteuerung braucht die Support-App.',
    browserJoinButton: 'Im Browser fortfahren',
    browserJoinFailed: 'Das hat nicht geklappt. Bitte versuchen Sie es noch einmal oder verwenden Sie die Support-App.',
    waitingInBrowser: (technician) => `Sie sind in diesem Browser verbunden. ${technician} ist gleich für Sie da.`,
    activeInBrowser: (technician) => `${technician} ist der Sitzung beigetreten. Unten können Sie chatten.`,
    verificationLabel: 'Bestätigungscode',
    verificationHint: 'Ihr Techniker sieht dieselben zwei Ziffern. Lesen Sie sie vor, wenn Sie darum gebeten werden.',
    chatTitle: (technician) => `Chat mit ${technician}`,
    chatEmpty: 'Noch keine Nachrichten.',
    chatMessage: 'Nachricht',
    chatSend: 'Senden',
    chatYou: 'Sie',
    chatNotSent: 'Die Nachricht konnte nicht gesendet werden. Bitte versuchen Sie es gleich noch einmal.',
    screenRequestTitle: (technician) => `${technician} möchte Ihren Bildschirm sehen`,
    screenRequestText:
      'Ihr Browser fragt gleich, welchen Bildschirm oder welches Fenster Sie zeigen möchten. Sonst wird nichts geteilt, und Sie können jederzeit aufhören.',
    shareScreen: 'Bildschirm freigeben',
    decline: 'Ablehnen',
    sharingWith: (technician) => `Sie geben Ihren Bildschirm für ${technician} frei.`,
    stopSharing: 'Freigabe beenden',
    sharingEnded: 'Die Bildschirmfreigabe ist beendet.',
    sharingDeclined: 'Sie haben die Bildschirmfreigabe abgelehnt.',
    sharingFailed: 'Ihr Bildschirm konnte nicht freigegeben werden. Sie können es erneut versuchen, wenn Ihr Techniker fragt.',
    screenUnsupported: (technician) =>
      `${technician} möchte Ihren Bildschirm sehen, aber dieser Browser kann ihn nicht freigeben (auf Smartphones und Tablets geht das meist nicht). Der Chat funktioniert weiterhin.`,
  },
};
