import type { SessionView } from '../../../contracts/schemas/session.ts';
import type { ServerMessage } from '../../../contracts/schemas/websocket.ts';
import { screenMessageSchema, type ScreenSignal } from '../../../contracts/schemas/screen.ts';
import { ApiError, describeError, type ApiClient, type Me } from './api.ts';
import { chatMessages } from './chat.ts';
import type { ViewContext } from './context.ts';
import { locales, translator, type Language } from './i18n.ts';
import { LiveConnection, type SocketLike } from './live.ts';
import { LogReader } from './log-reader.ts';
import { defaultSortOrder, enteredWaiting, type SessionChange, type SortOrder } from './sessions.ts';
import {
  chatReceived,
  connectionChanged,
  initialState,
  logOf,
  logRead,
  messageSent,
  neighbourTab,
  sessionForgotten,
  sessionOpened,
  sessionReceived,
  sessionSelected,
  sessionsListed,
  tabClosed,
  waitingCount,
  type ConsoleState,
} from './state.ts';
import { ConsoleShell } from './views/console-shell.ts';
import { NewSessionDialog } from './views/new-session-dialog.ts';
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
 * The signed-in console: talks to the API and the live connection, turns
 * their answers into the next `ConsoleState` (state.ts, pure functions) and
 * has the views draw from it. A language switch redraws every view from this
 * state without a reload.
 */
export class TechnicianConsole {
  #state: ConsoleState = initialState;
  readonly #panels = new Map<string, SessionPanel>();
  readonly #pendingRender = new Set<string>();
  readonly #logReader: LogReader;
  readonly #live: LiveConnection;
  #sortOrder: SortOrder = defaultSortOrder;
  #language: Language;
  #ctx!: ViewContext;
  #list!: SessionList;
  #dialog!: NewSessionDialog;
  #shell!: ConsoleShell;
  #flushScheduled = false;
  #clock: ReturnType<typeof setInterval> | undefined;
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
      onState: (connection) => {
        this.#state = connectionChanged(this.#state, connection);
        this.#renderLiveState();
      },
      onSignedOut: () => this.options.onSignOut('expired'),
    });
    this.#logReader = new LogReader({
      read: (id, cursor) => this.options.api.getLogSince(id, cursor),
      cursorOf: (id) => logOf(this.#state, id).cursor,
      received: (id, cursor, since) => {
        const { state } = logRead(this.#state, id, cursor, since);
        if (state === this.#state) return;
        this.#state = state;
        this.#renderLog(id);
      },
      failed: (id, error) => {
        if (error instanceof ApiError && error.code === 'not_found') return;
        this.#handleError(error, this.#panels.get(id));
      },
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
    this.#logReader.stop();
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
    this.#dialog = new NewSessionDialog(ctx, (session) => this.#upsertAndApply(session, false));
    this.#list = new SessionList(
      ctx,
      this.#sortOrder,
      {
        open: (id) => this.#openSession(id, true),
        start: (id) => void this.#startSession(id),
        remove: (id) => void this.#closeSession(id),
      },
      (order) => {
        this.#sortOrder = order;
      },
    );
    this.#shell = new ConsoleShell(
      ctx,
      this.options.root,
      { soundOn: this.options.preferences.getItem(soundPreferenceKey) === 'on', list: this.#list, dialog: this.#dialog },
      {
        switchLanguage: (language) => this.#switchLanguage(language),
        signOut: () => this.options.onSignOut(),
        newSession: () => this.#openNewSession(),
        soundToggled: (on) => {
          this.options.preferences.setItem(soundPreferenceKey, on ? 'on' : 'off');
          if (on) this.#beep();
        },
        openArrival: (id) => this.#openSession(id, true, true),
      },
    );
    this.#list.update(this.#state.sessions.values());
    for (const panel of this.#panels.values()) panel.dispose();
    this.#panels.clear();
    for (const id of this.#state.openIds) this.#mountPanel(id);
    this.#selectPanel(this.#state.selectedId, false);
    for (const session of this.#state.sessions.values()) if (session.status === 'waiting') this.#showArrival(session, false);
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
    this.#shell?.renderConnection(this.#state.connection);
  }

  #tick(): void {
    this.#list.tick();
    const selected = this.#state.selectedId ? this.#panels.get(this.#state.selectedId) : undefined;
    selected?.tick();
  }

  #announce(text: string, urgency: 'polite' | 'assertive' = 'polite'): void {
    this.#shell.announce(text, urgency);
  }

  #updateTitle(): void {
    this.#shell.renderTitle(waitingCount(this.#state));
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
      this.#followLog(session.id);
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
        const session = this.#state.sessions.get(id);
        if (session) sessions.push(session);
      }
      this.#pendingRender.clear();
      this.#list.update(sessions);
      for (const session of sessions) this.#panels.get(session.id)?.update(session);
      this.#updateTitle();
    });
  }

  #upsertAndApply(session: SessionView, notify = true): void {
    const { state, change } = sessionReceived(this.#state, session);
    this.#state = state;
    if (change) this.#apply([change], notify);
  }

  async #loadSessions(notify: boolean): Promise<void> {
    try {
      const listing = await this.options.api.listSessions();
      const { state, changes, vanished } = sessionsListed(this.#state, listing);
      this.#state = state;
      this.#apply(changes, notify);
      this.#shell.setError('');
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
    // From the cursor each log holds: only what was stored while the socket was down travels.
    for (const id of this.#state.openIds) this.#followLog(id, 0);
  }

  #forget(id: string): void {
    this.#closeTab(id);
    this.#state = sessionForgotten(this.#state, id);
    this.#logReader.drop(id);
    this.#list.removeRow(id);
    this.#hideArrival(id);
    this.#updateTitle();
  }

  #handleError(error: unknown, panel?: SessionPanel): void {
    if (error instanceof ApiError && error.code === 'unauthorized') {
      this.options.onSignOut('expired');
      return;
    }
    const text = describeError(error, this.#ctx.t);
    if (panel) panel.setError(text);
    else this.#shell.setError(text);
  }

  #onServerMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'session.updated':
        this.#upsertAndApply(message.session);
        break;
      case 'chat': {
        this.#state = chatReceived(this.#state, message.sessionId, { from: message.from, text: message.text, at: message.at });
        this.#renderChat(message.sessionId);
        this.#followLog(message.sessionId);
        if (message.from === 'customer') {
          const panel = this.#panels.get(message.sessionId);
          const visible = panel && this.#state.selectedId === message.sessionId;
          // The chat list is a live region when visible; otherwise say it here.
          if (!visible) {
            const name = this.#state.sessions.get(message.sessionId)?.customerName ?? '';
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
        const lastSent = this.#state.lastSent;
        if (this.#live.lastSentAction === 'screen' && lastSent?.action === 'screen') {
          const screenPanel = this.#panels.get(lastSent.sessionId);
          screenPanel?.screen.refused();
          this.#handleError(new ApiError(400, message.code, message.message), screenPanel);
          break;
        }
        const panel = lastSent?.action === 'chat' ? this.#panels.get(lastSent.sessionId) : undefined;
        this.#handleError(new ApiError(400, message.code, message.message), panel);
        break;
      }
      default:
        break;
    }
  }

  // ---- arrivals --------------------------------------------------------------------------

  #showArrival(session: SessionView, loud: boolean): void {
    const text = this.#shell.showArrival(session);
    if (text && loud) {
      this.#announce(text, 'assertive');
      if (this.options.preferences.getItem(soundPreferenceKey) === 'on') this.#beep();
    }
  }

  #hideArrival(id: string): void {
    this.#shell.hideArrival(id);
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
    if (!this.#state.sessions.has(id)) return;
    const wasOpen = this.#state.openIds.includes(id);
    this.#state = sessionOpened(this.#state, id);
    if (!wasOpen) {
      this.#mountPanel(id);
      this.#followLog(id, 0);
    }
    this.#selectPanel(id, focus);
    if (focusStart) this.#panels.get(id)?.focusStart();
  }

  #mountPanel(id: string): void {
    const session = this.#state.sessions.get(id);
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
    this.#shell.tablist.appendChild(panel.tab);
    this.#shell.panelHost.appendChild(panel.element);
    const log = logOf(this.#state, id);
    if (log.read) panel.renderLog(log);
    panel.renderChat(chatMessages(log.chat));
    this.#shell.noOpen.hidden = true;
  }

  #selectPanel(id: string | undefined, focus: boolean): void {
    this.#state = sessionSelected(this.#state, id);
    const { selectedId } = this.#state;
    for (const [panelId, panel] of this.#panels) panel.select(panelId === selectedId);
    const selected = selectedId ? this.#panels.get(selectedId) : undefined;
    selected?.tick();
    if (focus) selected?.tab.focus();
    this.#shell.noOpen.hidden = this.#panels.size > 0;
  }

  #onTabKey(event: KeyboardEvent, id: string): void {
    const moves: Partial<Record<string, 'next' | 'previous' | 'first' | 'last'>> = {
      ArrowRight: 'next',
      ArrowLeft: 'previous',
      Home: 'first',
      End: 'last',
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    this.#selectPanel(neighbourTab(this.#state, id, move), true);
  }

  #closeTab(id: string): void {
    if (!this.#state.openIds.includes(id)) return;
    const wasSelected = this.#state.selectedId === id;
    this.#state = tabClosed(this.#state, id);
    this.#logReader.drop(id);
    const panel = this.#panels.get(id);
    panel?.dispose();
    panel?.tab.remove();
    panel?.element.remove();
    this.#panels.delete(id);
    if (wasSelected) {
      const nextId = this.#state.selectedId;
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
      startedPanel?.update(this.#state.sessions.get(id) ?? session);
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
      this.#followLog(id, 0);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'invalid_transition') void this.#loadSessions(false);
      this.#handleError(error, panel);
    }
  }

  async #closeSession(id: string): Promise<void> {
    const panel = this.#panels.get(id);
    panel?.setError('');
    const known = this.#state.sessions.get(id);
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
    this.#state = messageSent(this.#state, 'screen', id);
    return this.#live.send({ action: 'screen', sessionId: id, signal });
  }

  #sendChat(id: string, text: string): string | undefined {
    this.#state = messageSent(this.#state, 'chat', id);
    if (!this.#live.send({ action: 'chat', sessionId: id, text })) return this.#ctx.t('notSent');
    this.#state = chatReceived(this.#state, id, { from: 'technician', text });
    this.#renderChat(id);
    this.#followLog(id);
    return undefined;
  }

  /** Reads what is new in an open session's log soon; bursts of events cause one read. */
  #followLog(id: string, delay?: number): void {
    if (this.#state.openIds.includes(id)) this.#logReader.request(id, delay);
  }

  #renderChat(id: string): void {
    this.#panels.get(id)?.renderChat(chatMessages(logOf(this.#state, id).chat));
  }

  /** Draws what a log read added: the log view appends the new rows, the chat the new lines. */
  #renderLog(id: string): void {
    const panel = this.#panels.get(id);
    if (!panel) return;
    const log = logOf(this.#state, id);
    panel.renderLog(log);
    panel.renderChat(chatMessages(log.chat));
  }

  #onGlobalKey(event: KeyboardEvent): void {
    if (event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyN') {
      event.preventDefault();
      this.#openNewSession();
    }
  }
}
