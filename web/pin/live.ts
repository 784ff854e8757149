/**
 * The PIN page's live connection to its one session (WebSocket with the
 * progress token) and what it enables: "Continue in the browser", the
 * verification code, the chat and the screen share. The page polls only
 * while this socket cannot connect.
 */
import { iceConfigurationSchema, screenMessageSchema, type IceConfiguration, type ScreenSignal } from '../../contracts/schemas/screen.ts';
import { isCustomerStatus } from '../../contracts/statuses.ts';
import { apiUrl } from './api.ts';
import type { LiveStrings, ProgressStatus } from './i18n.ts';
import { ScreenShare, screenSharingSupported } from './screen-share.ts';

export interface LiveState {
  readonly status: ProgressStatus;
  readonly technicianName?: string;
  readonly verificationCode?: string;
  readonly via?: 'app' | 'browser';
}

export interface LiveOptions {
  readonly webSocketUrl: string;
  readonly apiBaseUrl: string;
  readonly progressToken: string;
  readonly strings: () => LiveStrings;
  readonly technicianName: () => string;
  /** A state pushed by the service. */
  readonly onState: (state: LiveState) => void;
  /** The socket opened (true) or dropped (false): the page polls while it is down. */
  readonly onLive: (live: boolean) => void;
}

const keepAliveMs = 5 * 60_000;

interface ChatLine {
  readonly mine: boolean;
  readonly text: string;
}

function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`PIN page markup lacks #${id}`);
  return found as T;
}

function setText(target: HTMLElement, text: string): void {
  if (target.textContent !== text) target.textContent = text;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** `wss://host/ws` + `?progress=`; the progress token is the page's only credential. */
export function liveSocketUrl(base: string, progressToken: string): string {
  const url = new URL(base, location.href);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.searchParams.set('progress', progressToken);
  return url.href;
}

export function readLiveState(value: unknown): LiveState | undefined {
  const session = record(record(value)?.session);
  const status = session?.status;
  if (!isCustomerStatus(status)) return undefined;
  const technicianName = record(session?.technician)?.displayName;
  const code = session?.verificationCode;
  const via = session?.via;
  return {
    status,
    ...(typeof technicianName === 'string' && technicianName ? { technicianName } : {}),
    ...(typeof code === 'string' && /^[0-9]{2}$/.test(code) ? { verificationCode: code } : {}),
    ...(via === 'app' || via === 'browser' ? { via } : {}),
  };
}

export class CustomerLive {
  #socket: WebSocket | undefined;
  #attempt = 0;
  #stopped = false;
  #keepAlive: ReturnType<typeof setInterval> | undefined;
  #sessionId = '';
  #state: LiveState = { status: 'connecting' };
  #joining = false;
  #joinFailed = false;
  readonly #chat: ChatLine[] = [];
  #renderedChat = 0;
  #screenNote: 'ended' | 'declined' | 'failed' | 'unsupported' | undefined;
  #requestedBy = '';
  readonly #share: ScreenShare;
  readonly #elements = {
    join: byId('browser-join'),
    joinTitle: byId('browser-join-title'),
    joinIntro: byId('browser-join-intro'),
    joinButton: byId<HTMLButtonElement>('browser-join-button'),
    joinError: byId('browser-join-error'),
    verification: byId('verification'),
    verificationLabel: byId('verification-label'),
    verificationCode: byId('verification-code'),
    verificationHint: byId('verification-hint'),
    chat: byId('chat'),
    chatTitle: byId('chat-title'),
    chatLog: byId('chat-log'),
    chatEmpty: byId('chat-empty'),
    chatForm: byId<HTMLFormElement>('chat-form'),
    chatLabel: byId('chat-label'),
    chatText: byId<HTMLInputElement>('chat-text'),
    chatSend: byId<HTMLButtonElement>('chat-send'),
    chatNote: byId('chat-note'),
    sharing: byId('sharing'),
    sharingText: byId('sharing-text'),
    stopSharing: byId<HTMLButtonElement>('stop-sharing'),
    screenNote: byId('screen-note'),
    dialog: byId<HTMLDialogElement>('screen-dialog'),
    dialogTitle: byId('screen-dialog-title'),
    dialogText: byId('screen-dialog-text'),
    shareButton: byId<HTMLButtonElement>('screen-share'),
    declineButton: byId<HTMLButtonElement>('screen-decline'),
  };

  constructor(private readonly options: LiveOptions) {
    this.#share = new ScreenShare({
      signal: (signal) => this.#signal(signal),
      iceConfiguration: () => this.#iceConfiguration(),
      ended: (how) => {
        this.#screenNote = how === 'failed' ? 'failed' : 'ended';
        this.render();
      },
    });
    const e = this.#elements;
    e.joinButton.addEventListener('click', () => this.#join());
    e.chatForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#sendChat();
    });
    e.stopSharing.addEventListener('click', () => this.#share.stop(true));
    e.shareButton.addEventListener('click', () => void this.#acceptRequest());
    e.declineButton.addEventListener('click', () => this.#declineRequest());
    // Escape on the dialog is a decline too: the technician must hear an answer.
    e.dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      this.#declineRequest();
    });
  }

  start(): void {
    this.#stopped = false;
    this.#open();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#keepAlive);
    this.#share.stop(false);
    this.#socket?.close();
    this.#socket = undefined;
  }

  #open(): void {
    let socket: WebSocket;
    try {
      socket = new WebSocket(liveSocketUrl(this.options.webSocketUrl, this.options.progressToken));
    } catch {
      // A URL the browser refuses outright (blocked port, bad scheme): as good as a socket that dropped.
      this.options.onLive(false);
      this.#retry();
      return;
    }
    this.#socket = socket;
    socket.addEventListener('open', () => {
      this.#attempt = 0;
      socket.send(JSON.stringify({ action: 'follow' }));
      clearInterval(this.#keepAlive);
      this.#keepAlive = setInterval(() => this.#send({ action: 'ping' }), keepAliveMs);
      this.options.onLive(true);
    });
    socket.addEventListener('message', (event) => this.#received(event.data));
    // Some refusals (a blocked URL) report only "error"; either event means the socket is down, once.
    const down = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      clearInterval(this.#keepAlive);
      this.options.onLive(false);
      this.#retry();
    };
    socket.addEventListener('error', down);
    socket.addEventListener('close', down);
  }

  #retry(): void {
    if (this.#stopped) return;
    this.#attempt += 1;
    setTimeout(
      () => {
        if (!this.#stopped) this.#open();
      },
      Math.min(1000 * 2 ** this.#attempt, 30_000),
    );
  }

  #send(message: unknown): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  #signal(signal: ScreenSignal): boolean {
    return this.#send({ action: 'screen', sessionId: this.#sessionId, signal });
  }

  async #iceConfiguration(): Promise<IceConfiguration> {
    const response = await fetch(apiUrl(this.options.apiBaseUrl, '/pin/ice-servers'), {
      headers: { authorization: `Bearer ${this.options.progressToken}` },
      cache: 'no-store',
      credentials: 'omit',
    });
    if (!response.ok) throw new Error(`ICE servers: HTTP ${response.status}`);
    const parsed = iceConfigurationSchema.safeParse(await response.json());
    if (!parsed.success) throw new Error('ICE servers: unexpected answer');
    return parsed.data;
  }

  #received(data: unknown): void {
    let message: Record<string, unknown> | undefined;
    try {
      message = record(JSON.parse(String(data)));
    } catch {
      return;
    }
    switch (message?.type) {
      case 'session.state': {
        const state = readLiveState(message);
        const id = record(message.session)?.id;
        if (!state) return;
        if (typeof id === 'string') this.#sessionId = id;
        this.#state = state;
        if (state.status !== 'connecting') this.#joining = false;
        if (state.status !== 'active') this.#endScreenView();
        this.options.onState(state);
        return;
      }
      case 'chat':
        if (typeof message.text === 'string' && message.from === 'technician') this.#chat.push({ mine: false, text: message.text });
        if (typeof message.text === 'string' && message.from === 'customer' && this.#state.via !== 'browser')
          this.#chat.push({ mine: true, text: message.text });
        this.render();
        return;
      case 'screen': {
        const parsed = screenMessageSchema.safeParse(message);
        if (parsed.success && parsed.data.from === 'technician')
          this.#screenSignal(parsed.data.signal, parsed.data.technician?.displayName);
        return;
      }
      case 'error':
        if (this.#joining) {
          this.#joining = false;
          this.#joinFailed = true;
          this.render();
        }
        return;
    }
  }

  #screenSignal(signal: ScreenSignal, technicianName: string | undefined): void {
    switch (signal.kind) {
      case 'request':
        this.#requestedBy = technicianName ?? this.options.technicianName();
        if (!screenSharingSupported()) {
          this.#screenNote = 'unsupported';
          this.#signal({ kind: 'decline' });
          this.render();
          return;
        }
        this.#share.stop(false);
        this.#screenNote = undefined;
        this.render();
        if (!this.#elements.dialog.open) this.#elements.dialog.showModal();
        this.#elements.shareButton.focus();
        return;
      case 'answer':
        void this.#share.answered(signal.sdp);
        return;
      case 'stop':
        this.#endScreenView();
        return;
      default:
        return;
    }
  }

  #endScreenView(): void {
    if (this.#elements.dialog.open) this.#elements.dialog.close();
    this.#share.stop(false);
  }

  async #acceptRequest(): Promise<void> {
    this.#elements.dialog.close();
    const outcome = await this.#share.start();
    if (outcome === 'cancelled' && !this.#share.active) {
      // The picker was dismissed: for the technician that is a decline.
      if (this.#screenNote !== 'failed') {
        this.#signal({ kind: 'decline' });
        this.#screenNote = 'declined';
      }
    }
    this.render();
    if (this.#share.active) this.#elements.stopSharing.focus();
  }

  #declineRequest(): void {
    this.#elements.dialog.close();
    this.#signal({ kind: 'decline' });
    this.#screenNote = 'declined';
    this.render();
  }

  #join(): void {
    this.#joinFailed = false;
    this.#joining = this.#send({ action: 'join' });
    if (!this.#joining) this.#joinFailed = true;
    this.render();
  }

  #sendChat(): void {
    const input = this.#elements.chatText;
    const text = input.value.trim();
    if (!text) return;
    if (!this.#send({ action: 'chat', sessionId: this.#sessionId, text })) {
      setText(this.#elements.chatNote, this.options.strings().chatNotSent);
      return;
    }
    this.#chat.push({ mine: true, text });
    setText(this.#elements.chatNote, '');
    input.value = '';
    this.render();
    input.focus();
  }

  /** Writes the live part of the page for the current state and language. */
  render(): void {
    const text = this.options.strings();
    const e = this.#elements;
    const { status, verificationCode } = this.#state;
    const technician = this.options.technicianName();
    const live = this.#socket?.readyState === WebSocket.OPEN;

    e.join.hidden = status !== 'connecting' || !live;
    setText(e.joinTitle, text.browserTitle);
    setText(e.joinIntro, text.browserIntro);
    setText(e.joinButton, text.browserJoinButton);
    e.joinButton.disabled = this.#joining;
    e.joinButton.setAttribute('aria-busy', String(this.#joining));
    setText(e.joinError, this.#joinFailed ? text.browserJoinFailed : '');

    e.verification.hidden = !verificationCode || (status !== 'waiting' && status !== 'active');
    setText(e.verificationLabel, text.verificationLabel);
    setText(e.verificationCode, verificationCode ?? '');
    setText(e.verificationHint, text.verificationHint);

    e.chat.hidden = status !== 'active';
    setText(e.chatTitle, text.chatTitle(technician));
    setText(e.chatLabel, text.chatMessage);
    setText(e.chatSend, text.chatSend);
    setText(e.chatEmpty, text.chatEmpty);
    e.chatEmpty.hidden = this.#chat.length > 0;
    e.chatLog.hidden = this.#chat.length === 0;
    for (const line of this.#chat.slice(this.#renderedChat)) {
      const item = document.createElement('p');
      item.className = line.mine ? 'mine' : 'theirs';
      const sender = document.createElement('span');
      sender.className = 'sender';
      sender.textContent = `${line.mine ? text.chatYou : technician}: `;
      item.append(sender, document.createTextNode(line.text));
      e.chatLog.append(item);
    }
    this.#renderedChat = this.#chat.length;

    const sharing = this.#share.active;
    e.sharing.hidden = !sharing;
    setText(e.sharingText, text.sharingWith(technician));
    setText(e.stopSharing, text.stopSharing);
    const note = sharing ? undefined : this.#screenNote;
    setText(
      e.screenNote,
      note === 'ended'
        ? text.sharingEnded
        : note === 'declined'
          ? text.sharingDeclined
          : note === 'failed'
            ? text.sharingFailed
            : note === 'unsupported'
              ? text.screenUnsupported(this.#requestedBy || technician)
              : '',
    );
    setText(e.dialogTitle, text.screenRequestTitle(this.#requestedBy || technician));
    setText(e.dialogText, text.screenRequestText);
    setText(e.shareButton, text.shareScreen);
    setText(e.declineButton, text.decline);
  }
}
