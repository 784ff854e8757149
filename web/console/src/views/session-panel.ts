import type { SessionLogEntry, SessionView, SystemInfo } from '../../../../contracts/schemas/session.ts';
import type { ChatMessage } from '../chat.ts';
import type { SessionLog } from '../state.ts';
import type { ViewContext } from '../context.ts';
import { h, replaceChildren, setText, uniqueId } from '../dom.ts';
import { formatBytes, formatClockTime, formatDuration, logPreview, revealHiddenCharacters } from '../format.ts';
import { statusLabel, type MessageKey } from '../i18n.ts';
import type { ScreenSignal } from '../../../../contracts/schemas/screen.ts';
import { createPinDisplay, type PinDisplay } from './pin-display.ts';
import { ScreenView } from './screen-view.ts';

/** Chat lines appended in one task; 4,000-character lines make a larger batch a long task. */
const CHAT_LINES_PER_TASK = 50;
const LONG_CHAT_LINE = 200;
const LOG_ROWS_PER_TASK = 200;

export interface SessionPanelActions {
  /** `verificationCode`: what the technician typed, where their group makes it part of Start. */
  readonly start: (id: string, verificationCode?: string) => void;
  readonly close: (id: string) => void;
  readonly hide: (id: string) => void;
  /** Issues a (fresh) PIN for a created, pending or expired session. */
  readonly newPin: (id: string) => void;
  /** Returns an error sentence when the message could not be sent. */
  readonly sendChat: (id: string, text: string) => string | undefined;
  /** Sends a screen-view signal for this session; false when the live connection is down. */
  readonly screenSignal: (id: string, signal: ScreenSignal) => boolean;
}

const systemInfoFields: readonly (keyof SystemInfo)[] = [
  'os',
  'osVersion',
  'arch',
  'hostname',
  'cpus',
  'cpuModel',
  'memoryBytes',
  'uptimeSeconds',
  'locale',
  'timeZone',
  'appletVersion',
  'nodeVersion',
];

/**
 * One open session: status, Start/Close, the customer's system info, the chat
 * and the session log. The chat list only ever appends (its role="log" then
 * announces exactly the new message); the log and system info are redrawn
 * when they change.
 */
export class SessionPanel {
  readonly tab: HTMLButtonElement;
  readonly element: HTMLElement;
  readonly #status: HTMLParagraphElement;
  readonly #start: HTMLButtonElement;
  readonly #close: HTMLButtonElement;
  readonly #newPin: HTMLButtonElement;
  readonly #pinArea: HTMLDivElement;
  #pinDisplay: PinDisplay | undefined;
  readonly #error: HTMLParagraphElement;
  readonly #systemInfo: HTMLDivElement;
  readonly #chatList: HTMLDivElement;
  #chatContinuation: ReturnType<typeof setTimeout> | undefined;
  #logContinuation: ReturnType<typeof setTimeout> | undefined;
  #logTarget: Pick<SessionLog, 'stored' | 'provisional'> | undefined;
  #logRowsDrawn = 0;
  /** The provisional rows or the empty notice after the stored rows. */
  #logTail: HTMLLIElement[] = [];
  readonly #chatEmpty: HTMLParagraphElement;
  readonly #chatInput: HTMLInputElement;
  readonly #chatSend: HTMLButtonElement;
  readonly #chatNote: HTMLParagraphElement;
  readonly #log: HTMLOListElement;
  readonly #heading: HTMLHeadingElement;
  readonly #verification: HTMLElement;
  readonly #verificationCode: HTMLElement;
  readonly #verificationInput: HTMLInputElement | undefined;
  readonly screen: ScreenView;
  readonly #renderedChatKeys: string[] = [];
  #session: SessionView;
  #systemInfoSignature = '';

  constructor(
    private readonly ctx: ViewContext,
    session: SessionView,
    private readonly actions: SessionPanelActions,
    onTabKey: (event: KeyboardEvent) => void,
    onSelect: () => void,
  ) {
    const { t } = ctx;
    this.#session = session;
    const tabId = uniqueId('session-tab');
    const panelId = uniqueId('session-panel');
    const chatHeadingId = uniqueId('chat-heading');
    const chatInputId = uniqueId('chat-input');
    this.tab = h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: tabId,
        'aria-controls': panelId,
        'aria-selected': 'false',
        tabindex: -1,
        onclick: onSelect,
        onkeydown: onTabKey,
      },
      session.customerName,
    );
    this.#heading = h('h2', {});
    this.#status = h('p', { class: 'session-status' });
    this.#start = h('button', { type: 'button', class: 'primary', onclick: () => this.#startClicked() }, t('start'));
    const codeId = uniqueId('verification-code');
    const codeHintId = uniqueId('verification-hint');
    this.#verificationCode = h('strong', { class: 'code' });
    // Typing the code the customer reads out is part of Start where the group asks for it; otherwise it is shown to compare.
    this.#verificationInput = ctx.me.verificationCodeAtStart
      ? h('input', {
          id: codeId,
          type: 'text',
          inputmode: 'numeric',
          maxlength: 2,
          autocomplete: 'off',
          'aria-describedby': codeHintId,
          class: 'code-input',
        })
      : undefined;
    this.#verification = this.#verificationInput
      ? h(
          'div',
          { class: 'verification' },
          h('label', { for: codeId }, t('verificationCode')),
          this.#verificationInput,
          h('p', { id: codeHintId, class: 'hint' }, t('verificationCodeAsk')),
        )
      : h('p', { class: 'verification' }, h('span', {}, `${t('verificationCode')}: `), this.#verificationCode);
    this.#close = h('button', { type: 'button', class: 'danger', onclick: () => actions.close(this.#session.id) }, t('close'));
    this.#newPin = h(
      'button',
      { type: 'button', class: 'secondary', onclick: () => actions.newPin(this.#session.id) },
      t('createNewPinCode'),
    );
    this.#pinArea = h('div', { class: 'panel-pin' });
    this.#error = h('p', { class: 'error', role: 'alert' });
    this.#systemInfo = h('div', { class: 'system-info' });
    this.#chatList = h('div', { class: 'chat-messages', role: 'log', 'aria-labelledby': chatHeadingId });
    this.#chatEmpty = h('p', { class: 'empty' }, t('chatEmpty'));
    this.#chatInput = h('input', { id: chatInputId, type: 'text', autocomplete: 'off', maxlength: 2000 });
    this.#chatSend = h('button', { type: 'submit', class: 'primary' }, t('send'));
    this.#chatNote = h('p', { class: 'hint', role: 'status' });
    // Scrolls once the log is long (a few screen views): keyboard users must reach it too.
    this.#log = h('ol', { class: 'session-log', tabindex: 0, 'aria-label': t('sessionLog') });
    this.screen = new ScreenView(ctx, session.id, () => this.#session.customerName, {
      signal: (signal) => actions.screenSignal(this.#session.id, signal),
    });
    const chatForm = h(
      'form',
      { class: 'chat-form', novalidate: true },
      h('label', { for: chatInputId }, t('chatMessage')),
      this.#chatInput,
      this.#chatSend,
    );
    chatForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#sendChat();
    });
    this.element = h(
      'section',
      { role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, class: 'session-panel', hidden: true },
      h(
        'div',
        { class: 'panel-head' },
        this.#heading,
        h('button', { type: 'button', class: 'secondary small', onclick: () => actions.hide(this.#session.id) }, t('closeTab')),
      ),
      this.#status,
      h('div', { class: 'session-actions' }, this.#verification, this.#start, this.#newPin, this.#close),
      this.#error,
      this.#pinArea,
      h(
        'div',
        { class: 'panel-grid' },
        h(
          'section',
          { class: 'chat', 'aria-labelledby': chatHeadingId },
          h('h3', { id: chatHeadingId }),
          this.#chatList,
          this.#chatEmpty,
          chatForm,
          this.#chatNote,
        ),
        h('section', { class: 'info' }, h('h3', {}, t('systemInfo')), this.#systemInfo),
      ),
      this.screen.element,
      h('section', { class: 'log' }, h('h3', {}, t('sessionLog')), this.#log),
    );
    this.update(session);
  }

  get id(): string {
    return this.#session.id;
  }

  get session(): SessionView {
    return this.#session;
  }

  update(session: SessionView): void {
    const { t } = this.ctx;
    this.#session = session;
    setText(this.tab, session.customerName);
    this.tab.classList.toggle('waiting', session.status === 'waiting');
    setText(this.#heading, t('sessionHeading', { name: session.customerName }));
    const chatHeading = this.element.querySelector('.chat h3');
    if (chatHeading) setText(chatHeading, t('chatWith', { name: session.customerName }));
    this.#start.hidden = session.status !== 'waiting';
    const codeShown = session.status === 'waiting' || (session.status === 'active' && !this.#verificationInput);
    this.#verification.hidden = !codeShown || !session.verificationCode;
    setText(this.#verificationCode, session.verificationCode ?? '');
    this.screen.setAvailable(session.status === 'active');
    const pinPossible = session.status === 'created' || session.status === 'pending' || session.status === 'expired';
    this.#newPin.hidden = !pinPossible || !this.ctx.me.permissions.pinCode;
    setText(this.#newPin, session.status === 'created' ? t('createPinCode') : t('createNewPinCode'));
    if (session.status !== 'pending' && session.status !== 'created') this.#clearPin();
    const ended = session.status === 'closed';
    this.#close.hidden = ended;
    setText(this.#close, session.status === 'expired' || session.status === 'timed_out' ? t('dismiss') : t('close'));
    const chatOpen = session.status === 'active';
    this.#chatInput.disabled = !chatOpen;
    this.#chatSend.disabled = !chatOpen;
    if (!chatOpen) setText(this.#chatNote, t('chatUnavailable'));
    else if (this.#chatNote.textContent === t('chatUnavailable')) setText(this.#chatNote, '');
    this.#renderSystemInfo();
    this.tick();
  }

  tick(): void {
    const { t } = this.ctx;
    const session = this.#session;
    setText(
      this.#status,
      t('statusLine', {
        status: statusLabel(t, session.status),
        time: formatDuration(this.ctx.now() - Date.parse(session.statusChangedAt ?? session.updatedAt)),
      }),
    );
  }

  showPin(pin: string, expiresAt: string): void {
    this.#clearPin();
    this.#pinDisplay = createPinDisplay(this.ctx, this.#session.customerName, pin, expiresAt);
    replaceChildren(this.#pinArea, ...this.#pinDisplay.elements);
    this.#pinDisplay.copyButton.focus();
  }

  #clearPin(): void {
    this.#pinDisplay?.dispose();
    this.#pinDisplay = undefined;
    this.#pinArea.replaceChildren();
  }

  dispose(): void {
    clearTimeout(this.#logContinuation);
    clearTimeout(this.#chatContinuation);
    this.#clearPin();
    this.screen.dispose();
  }

  #startClicked(): void {
    const typed = this.#verificationInput?.value.trim();
    this.actions.start(this.#session.id, this.#verificationInput ? typed : undefined);
  }

  setError(message: string): void {
    setText(this.#error, message);
  }

  #renderSystemInfo(): void {
    const { t, locale } = this.ctx;
    const customer = this.#session.customer;
    const signature = JSON.stringify(customer ?? null);
    if (signature === this.#systemInfoSignature) return;
    this.#systemInfoSignature = signature;
    const info = customer?.systemInfo;
    const rows: [string, string][] = [];
    if (customer) rows.push([t('info.connected'), customer.connected ? t('yes') : t('no')]);
    if (customer?.via) rows.push([t('info.via'), t(customer.via === 'browser' ? 'via.browser' : 'via.app')]);
    for (const field of systemInfoFields) {
      const value = info?.[field];
      if (value === undefined || value === null || value === '') continue;
      let text = String(value);
      if (field === 'memoryBytes' && typeof value === 'number') text = formatBytes(value, locale);
      if (field === 'uptimeSeconds' && typeof value === 'number') text = formatDuration(value * 1000);
      rows.push([t(`info.${field}` as MessageKey), text]);
    }
    if (customer?.ip) rows.push([t('info.ip'), customer.ip]);
    if (customer?.userAgent) rows.push([t('info.userAgent'), customer.userAgent]);
    if (!info) {
      replaceChildren(this.#systemInfo, h('p', { class: 'empty' }, t('systemInfoMissing')), rows.length > 0 && definitionList(rows));
      return;
    }
    replaceChildren(this.#systemInfo, definitionList(rows));
  }

  /** Appends the messages not shown yet; everything already shown stays untouched. */
  renderChat(messages: readonly ChatMessage[]): void {
    const { t, locale } = this.ctx;
    clearTimeout(this.#chatContinuation);
    const shown = this.#renderedChatKeys;
    let common = 0;
    while (common < shown.length && common < messages.length && shown[common] === messages[common]?.key) common += 1;
    if (common < shown.length) {
      // The history changed under us (rare: a re-read log disagrees): redraw it.
      this.#chatList.replaceChildren();
      shown.length = 0;
      common = 0;
    }
    // A long history is appended a chunk per task, so the page stays responsive while it fills.
    const end = Math.min(messages.length, common + CHAT_LINES_PER_TASK);
    if (end < messages.length) this.#chatContinuation = setTimeout(() => this.renderChat(messages), 0);
    for (const message of messages.slice(common, end)) {
      const mine = message.from === 'technician';
      this.#chatList.appendChild(
        h(
          'div',
          // A long line takes the full bubble width instead of being measured for it (intrinsic sizing is slow).
          { class: `${mine ? 'message mine' : 'message theirs'}${message.text.length > LONG_CHAT_LINE ? ' long' : ''}` },
          h('span', { class: 'sender', dir: 'auto' }, mine ? t('you') : revealHiddenCharacters(this.#session.customerName)),
          message.at ? h('time', { datetime: message.at }, formatClockTime(message.at, locale)) : null,
          h('span', { class: 'text', dir: 'auto' }, mine ? message.text : revealHiddenCharacters(message.text)),
        ),
      );
      shown.push(message.key);
    }
    this.#chatEmpty.hidden = messages.length > 0;
    this.#chatList.hidden = messages.length === 0;
    if (messages.length > common && end === messages.length) this.#chatList.scrollTop = this.#chatList.scrollHeight;
  }

  /**
   * Draws the log as the state holds it. The stored entries only grow, so
   * only rows not drawn yet are appended (a chunk per task, like the chat);
   * rows already shown are never rebuilt. The provisional tail (a time-out
   * not written yet) or the empty notice is redrawn behind them.
   */
  renderLog(log: Pick<SessionLog, 'stored' | 'provisional'>): void {
    this.#logTarget = log;
    if (this.#logContinuation === undefined) this.#drawLog();
  }

  #drawLog(): void {
    this.#logContinuation = undefined;
    const target = this.#logTarget;
    if (!target) return;
    const { stored, provisional } = target;
    for (const row of this.#logTail) row.remove();
    this.#logTail = [];
    if (stored.length < this.#logRowsDrawn) {
      // Not the log these rows came from (cannot happen while the panel lives): start over.
      this.#log.replaceChildren();
      this.#logRowsDrawn = 0;
    }
    const end = Math.min(stored.length, this.#logRowsDrawn + LOG_ROWS_PER_TASK);
    this.#log.append(...stored.slice(this.#logRowsDrawn, end).map((entry) => this.#logRow(entry)));
    this.#logRowsDrawn = end;
    if (end < stored.length) {
      this.#logContinuation = setTimeout(() => this.#drawLog(), 0);
      return;
    }
    this.#logTail =
      stored.length + provisional.length === 0
        ? [h('li', { class: 'empty' }, this.ctx.t('logEmpty'))]
        : provisional.map((entry) => this.#logRow(entry));
    this.#log.append(...this.#logTail);
  }

  #logRow(entry: SessionLogEntry): HTMLLIElement {
    const { t, locale } = this.ctx;
    const actorName =
      entry.actor.name ??
      (entry.actor.kind === 'technician' ? t('actorTechnician') : entry.actor.kind === 'customer' ? t('actorCustomer') : t('actorSystem'));
    return h(
      'li',
      { class: `log-${entry.type}` },
      h('time', { datetime: entry.at }, formatClockTime(entry.at, locale)),
      h('span', { class: 'actor', dir: 'auto' }, revealHiddenCharacters(actorName)),
      h('span', { class: 'message', dir: 'auto' }, revealHiddenCharacters(logPreview(entry.message))),
    );
  }

  #sendChat(): void {
    const text = this.#chatInput.value.trim();
    if (!text) return;
    const problem = this.actions.sendChat(this.#session.id, text);
    if (problem) {
      setText(this.#chatNote, problem);
      return;
    }
    setText(this.#chatNote, '');
    this.#chatInput.value = '';
    this.#chatInput.focus();
  }

  select(selected: boolean): void {
    this.tab.setAttribute('aria-selected', String(selected));
    this.tab.tabIndex = selected ? 0 : -1;
    this.element.hidden = !selected;
  }

  focusStart(): void {
    if (!this.#start.hidden) this.#start.focus();
  }

  focusChat(): void {
    this.#chatInput.focus();
  }
}

function definitionList(rows: readonly [string, string][]): HTMLDListElement {
  return h('dl', {}, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}
