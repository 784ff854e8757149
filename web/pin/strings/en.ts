import type { PinStrings, RunStep } from '../i18n.ts';

/** The applet's own question (applet/src/i18n.ts), quoted so the customer recognises it. */
const confirmStep: RunStep = { text: 'When the app asks "Connect to the technician? [y/N]", type y and press Enter.' };

/** Every English string of the PIN page. Plain words: the reader may be stressed and on the phone. */
export const en: PinStrings = {
  languageName: 'English',
  languageSwitchLabel: 'Language',
  pageTitle: 'Connect to your technician – Remote support',
  brand: 'Remote support',
  heading: 'Connect to your technician',
  intro: 'Enter the 6-digit PIN your technician gave you.',
  pinLabel: 'PIN',
  pinHint: '6 digits, for example 123 456',
  connectButton: 'Connect to technician',
  connectingButtonBusy: 'Checking the PIN…',
  noScript: 'This page needs JavaScript to connect you. Please turn on JavaScript in your browser, or ask your technician for help.',
  privacyNote: 'Nothing about your computer is shared until you start the support app and agree to connect.',

  errorPinIncomplete: 'Please enter all 6 digits of the PIN.',
  errorPinInvalid: 'This PIN is not valid or has expired. Please ask your technician for a new one.',
  formatWait: (seconds) =>
    seconds < 60
      ? `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`
      : `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')} minutes`,
  errorTooManyAttempts: (wait) => `Too many attempts. Please wait ${wait}, then try again.`,
  errorNetwork: 'We could not reach the service. Please check your internet connection and try again.',
  errorUnavailable: 'The service is temporarily unavailable. Please try again in a moment.',
  errorUnexpected: 'Something went wrong on our side. Please try again.',
  retryButton: 'Try again',
  retryCountdown: (wait) => `You can try again in ${wait}.`,
  retryNow: 'You can try again now.',

  downloadHeading: (technician) => `${technician} is ready to help you`,
  downloadIntro: 'Three short steps, and your technician can help you.',
  stepDownloadTitle: 'Download the support app',
  downloadButton: 'Download the support app',
  downloadFileNote: (fileName) => `File name: ${fileName}. Please keep this name: it tells the app which session to join.`,
  stepRunTitle: 'Start the support app',
  runSteps: (fileName) => ({
    windows: [
      { text: 'Open your Downloads folder in File Explorer.' },
      { text: 'Click the address bar at the top, type cmd and press Enter. A terminal window opens in that folder.' },
      { text: 'Type this command and press Enter:', command: `node ${fileName}` },
      confirmStep,
    ],
    macos: [
      { text: 'Open Terminal (in Applications › Utilities).' },
      { text: 'Go to your Downloads folder:', command: 'cd ~/Downloads' },
      { text: 'Start the support app:', command: `node ${fileName}` },
      confirmStep,
    ],
    linux: [
      { text: 'Open a terminal.' },
      { text: 'Go to your Downloads folder:', command: 'cd ~/Downloads' },
      { text: 'Start the support app:', command: `node ${fileName}` },
      confirmStep,
    ],
  }),
  osNames: { windows: 'Windows', macos: 'macOS', linux: 'Linux' },
  appSteps: (fileName) => ({
    windows: [
      { text: `Open the downloaded file ${fileName} (from your browser's downloads, or your Downloads folder).` },
      { text: 'If Windows shows "Windows protected your PC", click "More info", then "Run anyway".' },
      { text: 'A window opens. When it asks "Connect to the technician? [y/N]", type y and press Enter.' },
    ],
    macos: [
      { text: 'Open Terminal (in Applications › Utilities).' },
      { text: 'Go to your Downloads folder:', command: 'cd ~/Downloads' },
      { text: 'Allow the file to run, and start it:', command: `chmod +x ${fileName} && ./${fileName}` },
      {
        text: 'If macOS says the app cannot be opened because Apple cannot check it, open System Settings › Privacy & Security, click "Open Anyway" next to the app, and run the command again.',
      },
      confirmStep,
    ],
    linux: [
      { text: 'Open a terminal.' },
      { text: 'Go to your Downloads folder:', command: 'cd ~/Downloads' },
      { text: 'Make the file executable and start it:', command: `chmod +x ${fileName} && ./${fileName}` },
      confirmStep,
    ],
  }),
  platformNames: {
    'windows-x64': 'Windows',
    'macos-arm64': 'macOS (Apple silicon: M1 and newer)',
    'macos-x64': 'macOS (Intel)',
    'linux-x64': 'Linux (x64)',
    'linux-arm64': 'Linux (ARM64)',
    node: 'Node.js script (any system with Node.js 20 or newer)',
  },
  formatSize: (bytes) =>
    `${new Intl.NumberFormat('en', { maximumFractionDigits: bytes < 10_000_000 ? 2 : 0 }).format(bytes / 1_000_000)} MB`,
  downloadSize: (size) => `Size: ${size}.`,
  downloadFor: (platformName, size) => `Download for ${platformName} (${size})`,
  otherDownloads: 'Downloads for other systems',
  detectedOs: (os) => `Instructions for ${os}`,
  otherSystems: 'Instructions for other systems',
  copyButton: 'Copy',
  copiedButton: 'Copied',
  copiedStatus: 'Command copied. Paste it into the terminal and press Enter.',
  copyManually: 'The command is selected. Copy it with Ctrl+C (on a Mac: Cmd+C).',
  nodeRequirement: 'The support app needs Node.js 20 or newer. If the command is not found, install Node.js from nodejs.org first.',
  stepProgressTitle: 'What happens next',

  statusNames: {
    connecting: 'Connecting',
    waiting: 'Please wait',
    active: 'Active',
    closed: 'Session ended',
    expired: 'Expired',
    timed_out: 'Timed out',
  },
  statusDetails: {
    connecting: () => 'Waiting for the support app to start on your computer.',
    waiting: (technician) => `The support app is connected. ${technician} will join you in a moment.`,
    active: (technician) => `${technician} has joined the session. You can chat in the support app's window.`,
    closed: () => 'The session has ended. You can close this page and the support app.',
    expired: () => 'This session has expired. Please ask your technician for a new PIN.',
    timed_out: () => 'The connection took too long. Please ask your technician for a new PIN.',
  },
  statusLabel: 'Status',
  statusTrouble: 'We are having trouble getting the latest status. Still trying…',
  statusUnavailable: 'The status of this session is no longer available. If you need more help, please ask your technician.',
  live: {
    browserTitle: 'No app? Continue here',
    browserIntro:
      'You can also chat with your technician and show your screen right in this browser window. Only remote control needs the support app.',
    browserJoinButton: 'Continue in the browser',
    browserJoinFailed: 'That did not work. Please try again, or use the support app.',
    waitingInBrowser: (technician) => `You are connected in this browser. ${technician} will join you in a moment.`,
    activeInBrowser: (technician) => `${technician} has joined the session. You can chat below.`,
    verificationLabel: 'Verification code',
    verificationHint: 'Your technician sees the same two digits. Read them out if you are asked.',
    chatTitle: (technician) => `Chat with ${technician}`,
    chatEmpty: 'No messages yet.',
    chatMessage: 'Message',
    chatSend: 'Send',
    chatYou: 'You',
    chatNotSent: 'The message could not be sent. Please try again in a moment.',
    screenRequestTitle: (technician) => `${technician} asks to see your screen`,
    screenRequestText: 'Your browser will ask which screen or window to show. Nothing else is shared, and you can stop at any time.',
    shareScreen: 'Share screen',
    decline: 'Decline',
    sharingWith: (technician) => `You are sharing your screen with ${technician}.`,
    stopSharing: 'Stop sharing',
    sharingEnded: 'Screen sharing has ended.',
    sharingDeclined: 'You declined to share your screen.',
    sharingFailed: 'Your screen could not be shared. You can try again when your technician asks.',
    screenUnsupported: (technician) =>
      `${technician} asked to see your screen, but this browser cannot share it (phones and tablets usually cannot). The chat still works.`,
  },
};
