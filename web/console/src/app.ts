import type { SessionLogEntry, SessionView } from '../../../contracts/schemas/session.ts';
import type { ServerMessage } from '../../../contracts/schemas/websocket.ts';
import { screenMessageSchema, type ScreenSignal } from '../../../contracts/schemas/screen.ts';
import { ApiError, describeError, type ApiClient, type Me } from './api.ts';
import { ChatHistory } from './chat.ts';
import type { ViewContext } from './context.ts';
import { h, replaceChildren, setText } from './dom.ts';
import { languageNames, languages, locales, translator, type Language } from './i18n.ts';
import { LiveConnection, type LiveState, type SocketLike } from './live.ts';
import { defaultSortOrder, enteredWaiting, SessionStore, type SessionChange, type SortOrder } from './sessions.ts';
import { groupList, NewSessionDialog } from './views/new-session-dialog.ts';
import { SessionList } from './views/session-list.ts';
import { SessionPanel } from './views/session-panel.ts';

export interface ConsoleOptions {
  readonly root: HTMLElement;
  readonly api: ApiClient;
  readonly me: Me;
  readonly webSocketUrl: string;
  readonly token: () => Promise<string | undefined>;
  readonly language: Language;
  readonly onLanguageChange: (language: Language) => void;
  readonly onSignOut: (reason?: 'expired') => void;
  readonly preferences: Storage;
}

const soundPreferenceKey = 'console.soundOnArrival';

/**
 * The signed-in console: owns the session store, the live connection, the
 * open session tabs and their chats and logs; views only draw. A language
 * switch redraws every view from this state without a reload.
 */
export class TechnicianConsole {
  readonly #store = new SessionStore();
  readonly #chats = new Map<string, ChatHistory>();
  readonly #logs = new Map<string, SessionLogEntry[]>();
  readonly #logCursors = new Map<string, { readonly stored: SessionLogEntry[]; readonly cursor: string | undefined }>();
  readonly #openIds: string[] = [];
  readonly #panels = new Map<string, SessionPanel>();
  readonly #pendingRender = new Set<string>();
  readonly #logRefreshTimers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #live: LiveConnection;
  #selectedId: string | undefined;
  #sortOrder: SortOrder = defaultSortOrder;
  #language: Language;
  #ctx!: ViewContext;
  #list!: SessionList;
  #dialog!: NewSessionDialog;
  #tablist!: HTMLDivElement;
  #panelHost!: HTMLDivElement;
  #noOpen!: HTMLParagraphElement;
  #arrivals!: HTMLUListElement;
  #liveStatus!: HTMLParagraphElement;
  #politeAnnouncer!: HTMLDivElement;
  #assertiveAnnouncer!: HTMLDivElement;
  #globalError!: HTMLParagraphElement;
  #liveState: LiveState = { kind: 'connecting' };
  #flushScheduled = false;
  #clock: ReturnType<typeof setInterval> | undefined;
  #lastChatSessionId: string | undefined;
  #lastScreenSessionId: string | undefined;
  #audio: AudioContext | undefined;
  #keyHandler = (event: KeyboardEvent): void => this.#onGlobalKey(event);

  constructor(private readonly options: ConsoleOptions) {
    this.#language = options.language;
    this.#live = new LiveConnection({
      url: options.webSocketUrl,
      token: options.token,
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      onMessage: (message) => this.#onServerMessage(message),
      onOpen: (reconnected) => void this.#catchUp(reconnected),
      onState: (state) => {
        this.#liveState = state;
        this.#renderLiveState();
      },
      onSignedOut: () => this.options.onSignOut('expired'),
    });
  }

  async start(): Promise<void> {
    this.#render();
    document.addEventListener('keydown', this.#keyHandler);
    this.#clock = setInterval(() => this.#tick(), 1000);
    this.#live.start();
    await this.#loadSessions(false);
  }

  stop(): void {
    this.#live.stop();
    for (const panel of this.#panels.values()) panel.dispose();
    if (this.#clock) clearInterval(this.#clock);
    for (const timer of this.#logRefreshTimers.values()) clearTimeout(timer);
    document.removeEventListener('keydown', this.#keyHandler);
    this.#dialog?.close();
    void this.#audio?.close();
  }

  // ---- rendering -------------------------------------------------------------------------

  #render(): void {
    const t = translator(this.#language);
    const ctx: ViewContext = {
      t,
      language: this.#language,
      locale: locales[this.#language],
      api: this.options.api,
      me: this.options.me,
      announce: (text, urgency) => this.#announce(text, urgency),
      now: Date.now,
    };
    this.#ctx = ctx;
    document.documentElement.lang = this.#language;
    const me = this.options.me;

    const languageSelect = h(
      'select',
      { id: 'language-select', onchange: (event) => this.#switchLanguage((event.target as HTMLSelectElement).value as Language) },
      ...languages.map((language) => h('option', { value: language, lang: language, selected: language === this.#language }, languageNames[language])),
    );
    const header = h(
      'header',
      { class: 'topbar' },
      h('h1', {}, t('appTitle')),
      h('p', { class: 'who' }, t('signedInAs', { name: me.displayName }), h('span', { class: 'groups' }, t('groupsLabel', { groups: groupList(ctx) }))),
      h('div', { class: 'topbar-controls' },
        h('label', { for: 'language-select' }, t('language')),
        languageSelect,
        h('button', { type: 'button', class: 'secondary', onclick: () => this.options.onSignOut() }, t('signOut')),
      ),
    );

    this.#dialog = new NewSessionDialog(ctx, (session) => this.#upsertAndApply(session, false));
    const canCreate = me.permissions.privateSessions;
    const explanationId = 'new-session-explanation';
    const newSessionButton = h(
      'button',
      {
        type: 'button',
        class: 'primary',
        'aria-disabled': canCreate ? undefined : 'true',
        'aria-describedby': canCreate ? undefined : explanationId,
        'aria-keyshortcuts': 'Alt+Shift+N',
        onclick: () => this.#openNewSession(),
      },
      t('newSession'),
    );
    // The dialog may be opened by the shortcut from anywhere; closing it always lands on its opener.
    this.#dialog.element.addEventListener('close', () => newSessionButton.focus());
    const toolbar = h(
      'div',
      { role: 'toolbar', 'aria-label': t('sessionToolbar'), class: 'toolbar' },
      h('span', { class: 'toolbar-label', 'aria-hidden': 'true' }, t('sessionToolbar')),
      newSessionButton,
    );
    const explanation = canCreate
      ? null
      : h('p', { id: explanationId, class: 'explanation' }, t('noSessionPermission', { groups: groupList(ctx) }));

    this.#liveStatus = h('p', { class: 'live-status', role: 'status' });
    const soundToggle = h('input', {
      type: 'checkbox',
      id: 'sound-toggle',
      checked: this.options.preferences.getItem(soundPreferenceKey) === 'on',
      onchange: (event) => {
        const on = (event.target as HTMLInputElement).checked;
        this.options.preferences.setItem(soundPreferenceKey, on ? 'on' : 'off');
        if (on) this.#beep();
      },
    });
    this.#arrivals = h('ul', { class: 'arrivals', 'aria-label': t('waitingCustomers') });
    this.#globalError = h('p', { class: 'error', role: 'alert' });
    this.#list = new SessionList(
      ctx,
      this.#sortOrder,
      { open: (id) => this.#openSession(id, true), start: (id) => void this.#startSession(id), remove: (id) => void this.#closeSession(id) },
      (order) => {
        this.#sortOrder = order;
      },
    );
    this.#tablist = h('div', { role: 'tablist', 'aria-label': t('openSessions'), class: 'session-tabs' });
    this.#panelHost = h('div', { class: 'panels' });
    this.#noOpen = h('p', { class: 'empty' }, t('noOpenSession'));
    this.#politeAnnouncer = h('div', { class: 'visually-hidden', 'aria-live': 'polite' });
    this.#assertiveAnnouncer = h('div', { class: 'visually-hidden', 'aria-live': 'assertive' });

    replaceChildren(
      this.options.root,
      header,
      h(
        'main',
        {},
        h('div', { class: 'toolbar-row' }, toolbar, explanation, h('div', { class: 'preferences' }, soundToggle, h('label', { for: 'sound-toggle' }, t('soundOnArrival'))), this.#liveStatus),
        this.#globalError,
        this.#arrivals,
        h(
          'div',
          { class: 'layout' },
          this.#list.element,
          h('section', { class: 'detail', 'aria-label': t('openSessions') }, this.#tablist, this.#noOpen, this.#panelHost),
        ),
      ),
      this.#dialog.element,
      this.#politeAnnouncer,
      this.#assertiveAnnouncer,
    );
    this.#list.update(this.#store.all());
    for (const panel of this.#panels.values()) panel.dispose();
    this.#panels.clear();
    for (const id of this.#openIds) this.#mountPanel(id);
    this.#selectPanel(this.#selectedId, false);
    for (const session of this.#store.all()) if (session.status === 'waiting') this.#showArrival(session, false);
    this.#renderLiveState();
    this.#updateTitle();
  }

  #switchLanguage(language: Language): void {
    if (language === this.#language) return;
    this.#language = language;
    this.options.onLanguageChange(language);
    const focusLanguage = document.activeElement?.id === 'language-select';
    this.#dialog.close();
    this.#render();
    if (focusLanguage) document.getElementById('language-select')?.focus();
  }

  #renderLiveState(): void {
    if (!this.#liveStatus) return;
    const { t } = this.#ctx;
    const state = this.#liveState;
    const text =
      state.kind === 'open'
        ? t('liveConnected')
        : state.kind === 'connecting'
          ? t('liveConnecting')
          : t('liveReconnecting', { seconds: Math.max(1, Math.round(state.inMilliseconds / 1000)) });
    setText(this.#liveStatus, text);
    this.#liveStatus.className = `live-status live-${state.kind}`;
  }

  #tick(): void {
    this.#list.tick();
    const selected = this.#selectedId ? this.#panels.get(this.#selectedId) : undefined;
    selected?.tick();
  }

  #announce(text: string, urgency: 'polite' | 'assertive' = 'polite'): void {
    const region = urgency === 'assertive' ? this.#assertiveAnnouncer : this.#politeAnnouncer;
    // Clearing first makes a repeated identical sentence be read again.
    region.textContent = '';
    setTimeout(() => {
      region.textContent = text;
    }, 50);
  }

  #updateTitle(): void {
    let waiting = 0;
    for (const session of this.#store.all()) if (session.status === 'waiting') waiting += 1;
    const title = this.#ctx.t('appTitle');
    document.title = waiting > 0 ? `(${waiting}) ${title}` : title;
  }

  // ---- state changes ---------------------------------------------------------------------

  /** The one entry point for new session states, from any source. */
  #apply(changes: readonly SessionChange[], notify = true): void {
    for (const change of changes) {
      const { session } = change;
      this.#pendingRender.add(session.id);
      // On the first load a waiting customer gets the visible notice, but no sound or spoken alert.
      if (enteredWaiting(change)) this.#showArrival(session, notify);
      if (session.status !== 'waiting') this.#hideArrival(session.id);
      if (change.previous && change.previous.status !== session.status) {
        if (session.status === 'closed') this.#announce(this.#ctx.t('sessionClosedNotice', { name: session.customerName }));
      }
      if (this.#openIds.includes(session.id)) this.#scheduleLogRefresh(session.id);
    }
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      const sessions: SessionView[] = [];
      for (const id of this.#pendingRender) {
        const session = this.#store.get(id);
        if (session) sessions.push(session);
      }
      this.#pendingRender.clear();
      this.#list.update(sessions);
      for (const session of sessions) this.#panels.get(session.id)?.update(session);
      this.#updateTitle();
    });
  }

  #upsertAndApply(session: SessionView, notify = true): void {
    const change = this.#store.upsert(session);
    if (change) this.#apply([change], notify);
  }

  async #loadSessions(notify: boolean): Promise<void> {
    try {
      const listing = await this.options.api.listSessions();
      const { changes, vanished } = this.#store.reconcile(listing);
      this.#apply(changes, notify);
      setText(this.#globalError, '');
      // Sessions that left the open listing while we were not listening: learn how they ended.
      await Promise.all(
        vanished.map(async (id) => {
          try {
            this.#upsertAndApply(await this.options.api.getSession(id), notify);
          } catch (error) {
            if (error instanceof ApiError && error.code === 'not_found') this.#forget(id);
            else throw error;
          }
        }),
      );
    } catch (error) {
      this.#handleError(error);
    }
  }

  /** After every (re)connect: what happened while the socket was down. */
  async #catchUp(reconnected: boolean): Promise<void> {
    // Only arrivals missed during an outage are news; the first open merely races the first load.
    await this.#loadSessions(reconnected);
    for (const id of this.#openIds) this.#scheduleLogRefresh(id, 0);
  }

  #forget(id: string): void {
    this.#store.remove(id);
    this.#list.removeRow(id);
    this.#hideArrival(id);
    this.#closeTab(id);
    this.#updateTitle();
  }

  #handleError(error: unknown, panel?: SessionPanel): void {
    if (error instanceof ApiError && error.code === 'unauthorized') {
      this.options.onSignOut('expired');
      return;
    }
    const text = describeError(error, this.#ctx.t);
    if (panel) panel.setError(text);
    else setText(this.#globalError, text);
  }

  #onServerMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'session.updated':
        this.#upsertAndApply(message.session);
        break;
      case 'chat': {
        this.#chatOf(message.sessionId).addLive({ from: message.from, text: message.text, at: message.at });
        this.#renderChat(message.sessionId);
        this.#scheduleLogRefresh(message.sessionId);
        if (message.from === 'customer') {
          const panel = this.#panels.get(message.sessionId);
          const visible = panel && this.#selectedId === message.sessionId;
          // The chat list is a live region when visible; otherwise say it here.
          if (!visible) {
            const name = this.#store.get(message.sessionId)?.customerName ?? '';
            this.#announce(this.#ctx.t('chatFrom', { name, text: message.text }));
          }
        }
        break;
      }
      case 'screen': {
        const parsed = screenMessageSchema.safeParse(message);
        if (parsed.success && parsed.data.from === 'customer') this.#panels.get(parsed.data.sessionId)?.screen.received(parsed.data.signal);
        break;
      }
      case 'error': {
        // A service without the keep-alive route answers pings with an error; that is no news to the technician.
        if (this.#live.lastSentAction === 'ping') break;
        if (this.#live.lastSentAction === 'screen' && this.#lastScreenSessionId) {
          const screenPanel = this.#panels.get(this.#lastScreenSessionId);
          screenPanel?.screen.refused();
          this.#handleError(new ApiError(400, message.code, message.message), screenPanel);
          break;
        }
        const panel = this.#lastChatSessionId ? this.#panels.get(this.#lastChatSessionId) : undefined;
        this.#handleError(new ApiError(400, message.code, message.message), panel);
        break;
      }
      default:
        break;
    }
  }

  // ---- arrivals --------------------------------------------------------------------------

  #showArrival(session: SessionView, loud: boolean): void {
    const { t } = this.#ctx;
    if (this.#arrivals.querySelector(`[data-session-id="${CSS.escape(session.id)}"]`)) return;
    const text = t('customerWaiting', { name: session.customerName });
    this.#arrivals.appendChild(
      h(
        'li',
        { 'data-session-id': session.id },
        h('span', {}, text),
        h('button', { type: 'button', class: 'primary small', onclick: () => this.#openSession(session.id, true, true) }, t('open')),
      ),
    );
    if (loud) {
      this.#announce(text, 'assertive');
      if (this.options.preferences.getItem(soundPreferenceKey) === 'on') this.#beep();
    }
  }

  #hideArrival(id: string): void {
    this.#arrivals.querySelector(`[data-session-id="${CSS.escape(id)}"]`)?.remove();
  }

  #beep(): void {
    try {
      this.#audio ??= new AudioContext();
      const audio = this.#audio;
      void audio.resume();
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + 0.4);
    } catch {
      // No audio device: the visible notice is enough.
    }
  }

  // ---- session tabs ----------------------------------------------------------------------

  #openNewSession(): void {
    if (!this.options.me.permissions.privateSessions) {
      document.getElementById('new-session-explanation')?.classList.add('flash');
      return;
    }
    this.#dialog.open();
  }

  #openSession(id: string, focus: boolean, focusStart = false): void {
    if (!this.#store.get(id)) return;
    if (!this.#openIds.includes(id)) {
      this.#openIds.push(id);
      this.#mountPanel(id);
      this.#scheduleLogRefresh(id, 0);
    }
    this.#selectPanel(id, focus);
    if (focusStart) this.#panels.get(id)?.focusStart();
  }

  #mountPanel(id: string): void {
    const session = this.#store.get(id);
    if (!session) return;
    const panel = new SessionPanel(
      this.#ctx,
      session,
      {
        start: (sessionId, verificationCode) => void this.#startSession(sessionId, verificationCode),
        close: (sessionId) => void this.#closeSession(sessionId),
        hide: (sessionId) => this.#closeTab(sessionId),
        newPin: (sessionId) => void this.#newPin(sessionId),
        sendChat: (sessionId, text) => this.#sendChat(sessionId, text),
        screenSignal: (sessionId, signal) => this.#screenSignal(sessionId, signal),
      },
      (event) => this.#onTabKey(event, id),
      () => this.#selectPanel(id, false),
    );
    this.#panels.set(id, panel);
    this.#tablist.appendChild(panel.tab);
    this.#panelHost.appendChild(panel.element);
    const log = this.#logs.get(id);
    if (log) panel.renderLog(log);
    panel.renderChat(this.#chatOf(id).messages());
    this.#noOpen.hidden = true;
  }

  #selectPanel(id: string | undefined, focus: boolean): void {
    this.#selectedId = id && this.#panels.has(id) ? id : this.#openIds[0];
    for (const [panelId, panel] of this.#panels) panel.select(panelId === this.#selectedId);
    const selected = this.#selectedId ? this.#panels.get(this.#selectedId) : undefined;
    selected?.tick();
    if (focus) selected?.tab.focus();
    this.#noOpen.hidden = this.#panels.size > 0;
  }

  #onTabKey(event: KeyboardEvent, id: string): void {
    const index = this.#openIds.indexOf(id);
    let next: number | undefined;
    if (event.key === 'ArrowRight') next = (index + 1) % this.#openIds.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + this.#openIds.length) % this.#openIds.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = this.#openIds.length - 1;
    if (next === undefined) return;
    event.preventDefault();
    this.#selectPanel(this.#openIds[next], true);
  }

  #closeTab(id: string): void {
    const index = this.#openIds.indexOf(id);
    if (index < 0) return;
    this.#openIds.splice(index, 1);
    const panel = this.#panels.get(id);
    panel?.dispose();
    panel?.tab.remove();
    panel?.element.remove();
    this.#panels.delete(id);
    if (this.#selectedId === id) {
      const nextId = this.#openIds[Math.min(index, this.#openIds.length - 1)];
      this.#selectPanel(nextId, nextId !== undefined);
      if (nextId === undefined) this.#list.focusSession(id);
    }
  }

  // ---- actions ---------------------------------------------------------------------------

  async #startSession(id: string, verificationCode?: string): Promise<void> {
    const panel = this.#panels.get(id);
    panel?.setError('');
    try {
      const session = await this.options.api.start(id, verificationCode);
      this.#upsertAndApply(session);
      this.#openSession(id, false);
      this.#announce(this.#ctx.t('sessionStarted', { name: session.customerName }));
      // Enable the chat now rather than at the next flush, so the focus can land in it.
      const startedPanel = this.#panels.get(id);
      startedPanel?.update(this.#store.get(id) ?? session);
      startedPanel?.focusChat();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'invalid_transition') void this.#loadSessions(false);
      this.#handleError(error, panel);
    }
  }

  async #newPin(id: string): Promise<void> {
    const panel = this.#panels.get(id);
    panel?.setError('');
    try {
      const { pin, expiresAt } = await this.options.api.createPin(id);
      this.#panels.get(id)?.showPin(pin, expiresAt);
      this.#scheduleLogRefresh(id, 0);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'invalid_transition') void this.#loadSessions(false);
      this.#handleError(error, panel);
    }
  }

  async #closeSession(id: string): Promise<void> {
    const panel = this.#panels.get(id);
    panel?.setError('');
    const known = this.#store.get(id);
    if (known?.status === 'closed') {
      this.#forget(id);
      return;
    }
    try {
      const session = await this.options.api.close(id);
      if (known && known.status !== 'expired' && known.status !== 'timed_out') {
        this.#upsertAndApply(session);
      } else {
        this.#forget(id);
      }
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'invalid_transition' || error.code === 'not_found')) void this.#loadSessions(false);
      this.#handleError(error, panel);
    }
  }

  #screenSignal(id: string, signal: ScreenSignal): boolean {
    this.#lastScreenSessionId = id;
    return this.#live.send({ action: 'screen', sessionId: id, signal });
  }

  #sendChat(id: string, text: string): string | undefined {
    this.#lastChatSessionId = id;
    if (!this.#live.send({ action: 'chat', sessionId: id, text })) return this.#ctx.t('notSent');
    this.#chatOf(id).addLive({ from: 'technician', text });
    this.#renderChat(id);
    this.#scheduleLogRefresh(id);
    return undefined;
  }

  #chatOf(id: string): ChatHistory {
    let chat = this.#chats.get(id);
    if (!chat) {
      chat = new ChatHistory();
      this.#chats.set(id, chat);
    }
    return chat;
  }

  #renderChat(id: string): void {
    this.#panels.get(id)?.renderChat(this.#chatOf(id).messages());
  }

  /** Re-reads an open session's log soon; bursts of events cause one read. */
  #scheduleLogRefresh(id: string, delay = 300): void {
    if (!this.#openIds.includes(id)) return;
    const existing = this.#logRefreshTimers.get(id);
    if (existing) clearTimeout(existing);
    this.#logRefreshTimers.set(
      id,
      setTimeout(() => {
        this.#logRefreshTimers.delete(id);
        void this.#refreshLog(id);
      }, delay),
    );
  }

  async #refreshLog(id: string): Promise<void> {
    try {
      // Only what was stored since the last read travels; the console keeps the rest.
      const known = this.#logCursors.get(id);
      const since = await this.options.api.getLogSince(id, known?.cursor);
      const stored = [...(known?.stored ?? []), ...since.stored];
      this.#logCursors.set(id, { stored, cursor: since.cursor });
      const entries = [...stored, ...since.provisional];
      this.#logs.set(id, entries);
      this.#chatOf(id).applyLog(entries);
      const panel = this.#panels.get(id);
      panel?.renderLog(entries);
      this.#renderChat(id);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'not_found') return;
      this.#handleError(error, this.#panels.get(id));
    }
  }

  #onGlobalKey(event: KeyboardEvent): void {
    if (event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyN') {
      event.preventDefault();
      this.#openNewSession();
    }
  }
}
