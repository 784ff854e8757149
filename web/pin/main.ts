/**
 * Enhances the server-rendered PIN form: language, input clean-up, redeeming
 * the PIN, the download step and the progress that follows. All state lives
 * in `view`; `render()` writes it to the DOM, so a language switch is just
 * another render.
 */
import { isEndedStatus } from '../../contracts/statuses.ts';
import {
  fetchProgress,
  loadSiteConfig,
  nextPollDelayMs,
  parseStoredRedeemResult,
  redeemPin,
  type PageDownload,
  type RedeemResult,
} from './api.ts';
import {
  chooseLanguage,
  languageStorageKey,
  languages,
  type Language,
  type OperatingSystem,
  type PinStrings,
  type ProgressStatus,
  type RunStep,
} from './i18n.ts';
import { CustomerLive, type LiveState } from './live.ts';
import { chooseDownloads, detectOperatingSystem, orderedSystems, preferredPlatforms, systemOfPlatform } from './operating-system.ts';
import { isCompletePin, normalisePin } from './pin-input.ts';

type PinError =
  | { readonly kind: 'incomplete' | 'invalid' | 'network' | 'unavailable' | 'unexpected' }
  | { readonly kind: 'rate_limited' | 'unavailable_wait'; readonly retryAt: number; readonly waitSeconds: number }
  | { readonly kind: 'retry_ready' };

interface PinView {
  readonly step: 'pin';
  readonly busy: boolean;
  readonly error?: PinError;
}

interface DownloadView {
  readonly step: 'download';
  readonly result: RedeemResult;
  readonly status: ProgressStatus;
  readonly technicianName: string;
  readonly pollTrouble: boolean;
  readonly statusGone: boolean;
  /** Set once the customer is connected, pushed over the live socket. */
  readonly via?: LiveState['via'];
}

const trackedStatuses: readonly ProgressStatus[] = ['connecting', 'waiting', 'active'];

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`PIN page markup lacks #${id}`);
  return element as T;
}

/** Writes only real changes, so live regions announce changes and nothing else. */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (className) created.className = className;
  if (text !== undefined) created.textContent = text;
  return created;
}

function readStoredLanguage(): string | null {
  try {
    return localStorage.getItem(languageStorageKey);
  } catch {
    return null;
  }
}

function storeLanguage(language: Language): void {
  try {
    localStorage.setItem(languageStorageKey, language);
  } catch {
    // Private modes may refuse storage; the choice then lasts for this visit only.
  }
}

const redeemedStorageKey = 'pin-page.redeemed';

function readRedeemed(): RedeemResult | undefined {
  try {
    return parseStoredRedeemResult(sessionStorage.getItem(redeemedStorageKey), location.href);
  } catch {
    return undefined;
  }
}

/** Kept per tab while the session runs, forgotten once it has ended. */
function rememberRedeemed(result: RedeemResult | undefined): void {
  try {
    if (result) sessionStorage.setItem(redeemedStorageKey, JSON.stringify(result));
    else sessionStorage.removeItem(redeemedStorageKey);
  } catch {
    // Without storage a reload simply shows the PIN form again.
  }
}

const form = byId<HTMLFormElement>('pin-form');
const pinInput = byId<HTMLInputElement>('pin');
const errorRegion = byId('pin-error');
const countdown = byId('retry-countdown');
const connectButton = byId<HTMLButtonElement>('connect');
const retryButton = byId<HTMLButtonElement>('retry');
const pinStatus = byId('pin-status');
const pinStep = byId('pin-step');
const downloadStep = byId('download-step');
const downloadHeading = byId('download-heading');
const downloadLink = byId<HTMLAnchorElement>('download-link');
const downloadFile = byId('download-file');
const runInstructions = byId('run-instructions');
const copyStatus = byId('copy-status');
const progressTrack = byId('progress-track');
const progressStatus = byId('progress-status');
const statusSummary = byId('status-summary');
const progressTrouble = byId('progress-trouble');
const languageSwitch = byId('language-switch');

const detectedSystem: OperatingSystem = detectOperatingSystem(navigator);
const preferredDownloads = preferredPlatforms(navigator);
const siteConfig = loadSiteConfig(fetch.bind(window));
const apiBaseUrl = siteConfig.then((config) => config.apiBaseUrl);

let language: Language = chooseLanguage(readStoredLanguage(), navigator.languages ?? [navigator.language]);
let view: PinView | DownloadView = { step: 'pin', busy: false };
let countdownTimer: ReturnType<typeof setInterval> | undefined;
let otherSystemsOpen = false;
let renderedInstructionsKey = '';
let live: CustomerLive | undefined;
/** The live socket is open: the page follows by push and does not poll. */
let socketLive = false;
let polling = false;

function strings(): PinStrings {
  return languages[language];
}

function secondsUntil(time: number): number {
  return Math.max(0, Math.ceil((time - Date.now()) / 1000));
}

function errorMessage(error: PinError, text: PinStrings): string {
  switch (error.kind) {
    case 'incomplete':
      return text.errorPinIncomplete;
    case 'invalid':
      return text.errorPinInvalid;
    case 'rate_limited':
      return text.errorTooManyAttempts(text.formatWait(error.waitSeconds));
    case 'unavailable':
    case 'unavailable_wait':
      return text.errorUnavailable;
    case 'network':
      return text.errorNetwork;
    case 'unexpected':
      return text.errorUnexpected;
    case 'retry_ready':
      return text.retryNow;
  }
}

function renderStaticTexts(text: PinStrings): void {
  document.documentElement.lang = language;
  document.title = text.pageTitle;
  for (const node of document.querySelectorAll<HTMLElement>('[data-text]')) {
    const value = text[node.dataset.text as keyof PinStrings];
    if (typeof value === 'string') setText(node, value);
  }
  for (const button of languageSwitch.querySelectorAll<HTMLButtonElement>('button[data-language]')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === language));
  }
}

function renderPinStep(current: PinView, text: PinStrings): void {
  const error = current.error;
  const remainingSeconds = error && 'retryAt' in error ? secondsUntil(error.retryAt) : 0;
  const waiting = remainingSeconds > 0;
  setText(errorRegion, error ? errorMessage(error, text) : '');
  errorRegion.classList.toggle('info', error?.kind === 'retry_ready');
  pinInput.setAttribute('aria-invalid', String(error?.kind === 'incomplete' || error?.kind === 'invalid'));
  countdown.hidden = !waiting;
  if (waiting) setText(countdown, text.retryCountdown(text.formatWait(remainingSeconds)));
  connectButton.disabled = waiting;
  retryButton.hidden = !(error?.kind === 'network' || error?.kind === 'unavailable' || error?.kind === 'unexpected');
  form.setAttribute('aria-busy', String(current.busy));
  setText(pinStatus, current.busy ? text.connectingButtonBusy : '');
}

/**
 * Typing a 40-character ticket file name is where customers get stuck, so
 * every command can be copied; without clipboard access it is selected for
 * Ctrl+C instead.
 */
async function copyCommand(command: string, code: HTMLElement, button: HTMLButtonElement, text: PinStrings): Promise<void> {
  try {
    await navigator.clipboard.writeText(command);
    setText(button, text.copiedButton);
    setText(copyStatus, text.copiedStatus);
    setTimeout(() => setText(button, text.copyButton), 2000);
  } catch {
    const range = document.createRange();
    range.selectNodeContents(code);
    const selection = getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    setText(copyStatus, text.copyManually);
  }
}

function commandBlock(command: string, text: PinStrings): HTMLElement {
  const block = element('div', 'command');
  const code = element('code', undefined, command);
  const copy = element('button', 'copy', text.copyButton);
  copy.type = 'button';
  copy.setAttribute('aria-label', `${text.copyButton}: ${command}`);
  copy.addEventListener('click', () => void copyCommand(command, code, copy, text));
  block.append(code, copy);
  return block;
}

function stepList(steps: readonly RunStep[], text: PinStrings): HTMLElement {
  const list = element('ol', 'run-steps');
  for (const step of steps) {
    const item = element('li', undefined, step.text);
    if (step.command) item.append(commandBlock(step.command, text));
    list.append(item);
  }
  return list;
}

function instructionsFor(system: OperatingSystem, text: PinStrings, fileName: string): HTMLElement {
  return stepList(text.runSteps(fileName)[system], text);
}

/** The Node.js script as the redeem result names it, sized from its entry in `downloads` when there is one. */
function nodeDownload(result: RedeemResult): PageDownload {
  const listed = result.downloads.find((download) => download.platform === 'node');
  return listed ?? { platform: 'node', fileName: result.fileName, downloadUrl: result.downloadUrl, bytes: 0 };
}

function downloadChoice(result: RedeemResult): { readonly primary: PageDownload; readonly others: readonly PageDownload[] } {
  return chooseDownloads(result.downloads, nodeDownload(result), preferredDownloads);
}

/** A download for another system: its link with the size, then that system's steps. */
function otherDownload(download: PageDownload, text: PinStrings): HTMLElement[] {
  const name = text.platformNames[download.platform];
  const link = element('a', 'button secondary', download.bytes > 0 ? text.downloadFor(name, text.formatSize(download.bytes)) : name);
  link.href = download.downloadUrl;
  link.download = download.fileName;
  const system = systemOfPlatform(download.platform);
  const steps = system
    ? stepList(text.appSteps(download.fileName)[system], text)
    : instructionsFor(detectedSystem, text, download.fileName);
  return [element('h3', undefined, name), link, steps];
}

/** Rebuilt only when language or file changes, so an open disclosure keeps its place. */
function renderInstructions(text: PinStrings, result: RedeemResult): void {
  const { primary, others } = downloadChoice(result);
  const key = `${language}|${primary.fileName}|${others.length}`;
  if (key === renderedInstructionsKey) return;
  renderedInstructionsKey = key;
  const content: HTMLElement[] = [];
  const disclosure = element('details', 'other-systems');
  disclosure.open = otherSystemsOpen;
  disclosure.addEventListener('toggle', () => {
    otherSystemsOpen = disclosure.open;
  });
  const primarySystem = systemOfPlatform(primary.platform);
  if (primarySystem) {
    // A native app for this system: its steps first, every other download (the Node.js script too) on request.
    content.push(
      element('h3', undefined, text.detectedOs(text.platformNames[primary.platform])),
      stepList(text.appSteps(primary.fileName)[primarySystem], text),
    );
    disclosure.append(element('summary', undefined, text.otherDownloads));
    for (const download of others) disclosure.append(...otherDownload(download, text));
    content.push(disclosure);
  } else {
    const [first, ...rest] = orderedSystems(detectedSystem);
    if (first) content.push(element('h3', undefined, text.detectedOs(text.osNames[first])), instructionsFor(first, text, primary.fileName));
    disclosure.append(element('summary', undefined, others.length > 0 ? text.otherDownloads : text.otherSystems));
    for (const system of rest)
      disclosure.append(element('h3', undefined, text.osNames[system]), instructionsFor(system, text, primary.fileName));
    for (const download of others) disclosure.append(...otherDownload(download, text));
    content.push(disclosure, element('p', 'note', text.nodeRequirement));
  }
  runInstructions.replaceChildren(...content);
  setText(copyStatus, '');
}

function renderProgress(current: DownloadView, text: PinStrings): void {
  const reached = trackedStatuses.indexOf(current.status);
  const ended = isEndedStatus(current.status);
  const items = trackedStatuses.map((status, index) => {
    const item = element('li', undefined, text.statusNames[status]);
    if (!ended && index < reached) item.className = 'done';
    if (!ended && index === reached) {
      item.className = 'current';
      item.setAttribute('aria-current', 'step');
    }
    return item;
  });
  const trackKey = `${language}|${current.status}`;
  if (progressTrack.dataset.key !== trackKey) {
    progressTrack.dataset.key = trackKey;
    progressTrack.replaceChildren(...items);
  }
  progressTrack.hidden = ended;
  const inBrowser = current.via === 'browser' && (current.status === 'waiting' || current.status === 'active');
  const detail = inBrowser
    ? (current.status === 'waiting' ? text.live.waitingInBrowser : text.live.activeInBrowser)(current.technicianName)
    : text.statusDetails[current.status](current.technicianName);
  const message = current.statusGone ? text.statusUnavailable : `${text.statusLabel}: ${text.statusNames[current.status]}. ${detail}`;
  setText(progressStatus, message);
  progressStatus.dataset.status = current.statusGone ? 'gone' : current.status;
  // Above the fold for whoever comes back from the terminal; screen readers hear the live region instead.
  setText(statusSummary, current.statusGone ? '' : `${text.statusLabel}: ${text.statusNames[current.status]}`);
  statusSummary.dataset.status = progressStatus.dataset.status;
  setText(progressTrouble, current.pollTrouble && !current.statusGone ? text.statusTrouble : '');
}

function renderDownloadStep(current: DownloadView, text: PinStrings): void {
  setText(downloadHeading, text.downloadHeading(current.technicianName));
  const { primary } = downloadChoice(current.result);
  if (downloadLink.href !== primary.downloadUrl) downloadLink.href = primary.downloadUrl;
  downloadLink.download = primary.fileName;
  const size = primary.bytes > 0 ? ` ${text.downloadSize(text.formatSize(primary.bytes))}` : '';
  setText(downloadFile, `${text.downloadFileNote(primary.fileName)}${size}`);
  renderInstructions(text, current.result);
  renderProgress(current, text);
  // A customer who continued in the browser needs no download steps any more.
  downloadStep.classList.toggle('in-browser', current.via === 'browser');
  live?.render();
}

function render(): void {
  const text = strings();
  renderStaticTexts(text);
  pinStep.hidden = view.step !== 'pin';
  downloadStep.hidden = view.step !== 'download';
  if (view.step === 'pin') renderPinStep(view, text);
  else renderDownloadStep(view, text);
}

function stopCountdown(): void {
  if (countdownTimer !== undefined) clearInterval(countdownTimer);
  countdownTimer = undefined;
}

function startCountdown(): void {
  stopCountdown();
  countdownTimer = setInterval(() => {
    if (view.step !== 'pin' || !view.error || !('retryAt' in view.error)) return stopCountdown();
    if (secondsUntil(view.error.retryAt) > 0) return render();
    stopCountdown();
    view = { step: 'pin', busy: false, error: { kind: 'retry_ready' } };
    render();
  }, 1000);
}

function showError(error: PinError): void {
  view = { step: 'pin', busy: false, error };
  render();
  if ('retryAt' in error) startCountdown();
  errorRegion.focus();
}

async function pollProgress(failures: number): Promise<void> {
  polling = view.step === 'download' && !socketLive;
  if (!polling || view.step !== 'download') return;
  const outcome = await fetchProgress(fetch.bind(window), view.result.progressUrl, view.result.progressToken);
  const current = view;
  if (outcome.kind === 'gone') {
    polling = false;
    live?.stop();
    rememberRedeemed(undefined);
    view = { ...current, statusGone: true, pollTrouble: false };
    render();
    return;
  }
  const nextFailures = outcome.kind === 'failed' ? failures + 1 : 0;
  view =
    outcome.kind === 'status'
      ? { ...current, status: outcome.status, technicianName: outcome.technicianName ?? current.technicianName, pollTrouble: false }
      : { ...current, pollTrouble: nextFailures >= 2 };
  render();
  if (view.step !== 'download') return;
  if (isEndedStatus(view.status)) {
    polling = false;
    live?.stop();
    rememberRedeemed(undefined);
  } else setTimeout(() => void pollProgress(nextFailures), pollDelayMs(view.status, nextFailures));
}

/** Follows the session over the live socket; polls only while the socket is down. */
async function follow(result: RedeemResult): Promise<void> {
  const config = await siteConfig;
  live?.stop();
  live = new CustomerLive({
    webSocketUrl: config.webSocketUrl,
    apiBaseUrl: config.apiBaseUrl,
    progressToken: result.progressToken,
    strings: () => strings().live,
    technicianName: () => (view.step === 'download' ? view.technicianName : result.technicianName),
    onState: (state) => {
      if (view.step !== 'download') return;
      view = {
        ...view,
        status: state.status,
        technicianName: state.technicianName ?? view.technicianName,
        via: state.via,
        pollTrouble: false,
      };
      if (isEndedStatus(state.status)) {
        live?.stop();
        rememberRedeemed(undefined);
      }
      render();
    },
    onLive: (open) => {
      socketLive = open;
      if (!open && !polling && view.step === 'download' && !isEndedStatus(view.status)) {
        polling = true;
        setTimeout(() => void pollProgress(0), nextPollDelayMs(0));
      }
      render();
    },
  });
  live.start();
}

let pollsWhileActive = 0;

/**
 * Every 2 s while the customer waits; once the technician has joined, the
 * customer works in the applet and only the end still matters here, so the
 * page backs off to every 30 s (most of a session's polls, and of its cost,
 * were spent in this phase: docs/performance.md, P4).
 */
function pollDelayMs(status: ProgressStatus, failures: number): number {
  if (status !== 'active') return nextPollDelayMs(failures);
  pollsWhileActive += 1;
  return Math.max(nextPollDelayMs(failures), Math.min(2000 * 2 ** pollsWhileActive, 30_000));
}

function showDownloadStep(result: RedeemResult): void {
  view = { step: 'download', result, status: 'connecting', technicianName: result.technicianName, pollTrouble: false, statusGone: false };
  render();
}

async function submitPin(): Promise<void> {
  if (view.step !== 'pin' || view.busy || connectButton.disabled) return;
  const pin = normalisePin(pinInput.value);
  pinInput.value = pin;
  if (!isCompletePin(pin)) {
    showError({ kind: 'incomplete' });
    pinInput.focus();
    return;
  }
  view = { step: 'pin', busy: true };
  render();
  const outcome = await redeemPin(fetch.bind(window), await apiBaseUrl, pin, location.href);
  switch (outcome.kind) {
    case 'redeemed':
      rememberRedeemed(outcome.result);
      showDownloadStep(outcome.result);
      downloadHeading.focus();
      void follow(outcome.result);
      return;
    case 'rate_limited':
      return showError({
        kind: 'rate_limited',
        retryAt: Date.now() + outcome.retryAfterSeconds * 1000,
        waitSeconds: outcome.retryAfterSeconds,
      });
    case 'unavailable':
      return showError(
        outcome.retryAfterSeconds === undefined
          ? { kind: 'unavailable' }
          : { kind: 'unavailable_wait', retryAt: Date.now() + outcome.retryAfterSeconds * 1000, waitSeconds: outcome.retryAfterSeconds },
      );
    default:
      return showError({ kind: outcome.kind });
  }
}

pinInput.addEventListener('paste', (event) => {
  const pasted = event.clipboardData?.getData('text');
  if (pasted === undefined) return;
  event.preventDefault();
  const start = pinInput.selectionStart ?? pinInput.value.length;
  const end = pinInput.selectionEnd ?? pinInput.value.length;
  pinInput.value = normalisePin(pinInput.value.slice(0, start) + pasted + pinInput.value.slice(end));
});

pinInput.addEventListener('input', () => {
  const cleaned = normalisePin(pinInput.value);
  if (cleaned !== pinInput.value) pinInput.value = cleaned;
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void submitPin();
});

languageSwitch.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-language]');
  const chosen = button?.dataset.language;
  if (chosen !== 'en' && chosen !== 'de') return;
  language = chosen;
  storeLanguage(chosen);
  render();
});

document.getElementById('script-note')?.remove();
languageSwitch.hidden = false;
const restored = readRedeemed();
if (restored) {
  showDownloadStep(restored);
  void follow(restored);
} else {
  render();
}
