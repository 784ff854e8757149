import { maxChatLength } from '../../contracts/limits.ts';
import { screenMessageSchema, type IceConfiguration, type ScreenSignal } from '../../contracts/schemas/screen.ts';
import type { SystemInfo } from '../../contracts/schemas/session.ts';
import type { ClientMessage as ContractClientMessage } from '../../contracts/schemas/websocket.ts';
import { isEndedStatus, type CloseReason } from '../../contracts/statuses.ts';
import { ticketPattern } from './cli.ts';
import type { Messages } from './i18n.ts';
import { outputLine } from './output.ts';

/** What the applet sends: the service's hello, chat, end and screen messages. */
export type ClientMessage = Extract<ContractClientMessage, { action: 'hello' | 'chat' | 'end' | 'screen' }>;

/** Screen view and remote control (screen-share.ts); absent where the app cannot share. */
export interface ScreenSide {
  /** `iceConfiguration`: STUN/TURN for this view, carried by the server's screen request. */
  received(signal: ScreenSignal, technicianName: string | undefined, iceConfiguration?: IceConfiguration): void;
  /** The customer typed `stop`; false when nothing was shared. */
  customerStops(): boolean;
  end(): void;
}

export interface SessionPorts {
  /** One line on stdout. */
  print(line: string): void;
  /** `false` when not connected: the message was not sent. */
  send(message: ClientMessage): boolean;
  /** The applet is done; exit with this code. */
  finish(exitCode: number): void;
  setTimeout(callback: () => void, ms: number): void;
  systemInfo(): SystemInfo;
  /** The service spent the ticket this connection used and handed out this one for the next connect. */
  ticketRenewed(ticket: string): void;
}

/** The service's limit; longer lines are refused here, with a note. */
export { maxChatLength };
/** How long /quit waits for the server to confirm with session.closed. */
export const endConfirmationTimeoutMs = 5000;

/** How long an ended status in session.state waits for the session.closed that names the reason. */
export const endedStateGraceMs = 1000;

/**
 * The customer's side of one session: turns server messages into output lines
 * and typed lines into chat or end requests. Knows nothing of sockets or
 * terminals, so it is tested with plain functions.
 */
export class CustomerSession {
  private sessionId: string | undefined;
  /** A string, not SessionStatus: a newer server's status is shown rather than dropped. */
  private status: string | undefined;
  private technicianName: string | undefined;
  private verificationCode: string | undefined;
  private ending = false;
  private endSent = false;
  private finished = false;

  constructor(
    private readonly ports: SessionPorts,
    private readonly messages: Messages,
    private readonly screen?: ScreenSide,
  ) {}

  /** Screen signals for this session, as the server relays them. */
  sendScreenSignal(signal: ScreenSignal): boolean {
    if (!this.sessionId || this.finished) return false;
    return this.ports.send({ action: 'screen', sessionId: this.sessionId, signal });
  }

  connected(isReconnect: boolean): void {
    if (isReconnect) this.ports.print(outputLine.reconnected);
    this.ports.send({ action: 'hello', systemInfo: this.ports.systemInfo() });
    this.sendPendingEnd();
  }

  received(text: string): void {
    const message = parseServerMessage(text);
    if (!message || this.finished) return;
    switch (message.type) {
      case 'session.state':
        if (message.resumeTicket) this.ports.ticketRenewed(message.resumeTicket);
        this.sessionId = message.session.id;
        this.technicianName = message.session.technician?.displayName ?? this.technicianName;
        this.statusChanged(message.session.status);
        this.showVerificationCode(message.session.verificationCode);
        this.sendPendingEnd();
        break;
      case 'session.started':
        this.sessionId ??= message.sessionId;
        this.technicianName = message.technician?.displayName ?? this.technicianName;
        this.statusChanged('active');
        break;
      case 'session.closed':
        this.ports.print(outputLine.closed(message.reason));
        this.ports.print(this.messages.closedHint);
        this.finish(0);
        break;
      case 'chat':
        // The customer's own lines come back only as echoes; they are already on screen.
        if (message.from !== 'customer') this.ports.print(outputLine.chat(message.from, message.text));
        break;
      case 'error':
        this.ports.print(outputLine.error(message.code, message.message));
        break;
      case 'screen':
        if (message.sessionId === this.sessionId)
          this.screen?.received(message.signal, message.technicianName ?? this.technicianName, message.iceConfiguration);
        break;
    }
  }

  typed(line: string): void {
    const text = line.trim();
    if (!text || this.finished) return;
    if (/^\/(quit|end)$/i.test(text)) {
      this.end();
    } else if (/^\/?stop$/i.test(text) && this.screen?.customerStops()) {
      return;
    } else if (this.status !== 'active' || !this.sessionId) {
      this.ports.print(this.messages.chatNotOpenYet);
    } else if (text.length > maxChatLength) {
      this.ports.print(this.messages.messageTooLong(maxChatLength));
    } else if (!this.ports.send({ action: 'chat', sessionId: this.sessionId, text })) {
      this.ports.print(this.messages.notConnected);
    }
  }

  /** The customer ends the session: ask the server, exit once it confirms (or after a grace period). */
  end(): void {
    if (this.ending || this.finished) return;
    this.ending = true;
    this.ports.print(this.messages.endingSession);
    this.sendPendingEnd();
    this.ports.setTimeout(() => this.finish(0), endConfirmationTimeoutMs);
  }

  private showVerificationCode(code: string | undefined): void {
    if (!code || code === this.verificationCode || isEndedStatus(this.status)) return;
    this.verificationCode = code;
    this.ports.print(this.messages.verificationCode(code));
  }

  private sendPendingEnd(): void {
    if (this.ending && !this.endSent && this.sessionId) {
      this.endSent = this.ports.send({ action: 'end', sessionId: this.sessionId });
    }
  }

  private statusChanged(status: string): void {
    if (isEndedStatus(status)) {
      // The service follows up with session.closed, which names the reason; wait briefly for it.
      this.ports.setTimeout(() => {
        if (this.finished) return;
        this.ports.print(outputLine.status(status));
        this.ports.print(this.messages.closedHint);
        this.finish(0);
      }, endedStateGraceMs);
      return;
    }
    const unchanged = status === this.status;
    this.status = status;
    if (!unchanged) {
      this.ports.print(outputLine.status(status, this.technicianName));
      if (status === 'waiting') this.ports.print(this.messages.waitingHint);
      if (status === 'active') this.ports.print(this.messages.activeHint);
    }
  }

  private finish(exitCode: number): void {
    if (this.finished) return;
    this.finished = true;
    this.screen?.end();
    this.ports.finish(exitCode);
  }
}

type ServerMessage =
  | {
      type: 'session.state';
      session: { id: string; status: string; technician?: { displayName?: string }; verificationCode?: string };
      resumeTicket?: string;
    }
  | { type: 'session.started'; sessionId?: string; technician?: { displayName?: string } }
  | { type: 'session.closed'; reason: CloseReason | string }
  | { type: 'chat'; from: string; text: string }
  | { type: 'error'; code: string; message: string }
  | { type: 'screen'; sessionId: string; signal: ScreenSignal; technicianName?: string; iceConfiguration?: IceConfiguration };

/**
 * Accepts the server messages the applet acts on, checked field by field;
 * anything else (unknown types, malformed JSON) is `undefined` and ignored, so
 * a newer server cannot crash an older applet.
 */
export function parseServerMessage(text: string): ServerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const technician = displayNameOf(value.technician);
  switch (value.type) {
    case 'session.state': {
      const session = value.session;
      if (!isRecord(session) || typeof session.id !== 'string' || typeof session.status !== 'string') return undefined;
      return {
        type: 'session.state',
        session: {
          id: session.id,
          status: session.status,
          technician: displayNameOf(session.technician),
          verificationCode:
            typeof session.verificationCode === 'string' && /^[0-9]{2}$/.test(session.verificationCode)
              ? session.verificationCode
              : undefined,
        },
        resumeTicket: typeof value.resumeTicket === 'string' && ticketPattern.test(value.resumeTicket) ? value.resumeTicket : undefined,
      };
    }
    case 'session.started':
      return { type: 'session.started', sessionId: stringOrUndefined(value.sessionId), technician };
    case 'session.closed':
      return { type: 'session.closed', reason: stringOrUndefined(value.reason) ?? 'unknown' };
    case 'chat':
      if (typeof value.text !== 'string') return undefined;
      return { type: 'chat', from: stringOrUndefined(value.from) ?? 'technician', text: value.text };
    case 'error':
      return { type: 'error', code: stringOrUndefined(value.code) ?? 'error', message: stringOrUndefined(value.message) ?? '' };
    case 'screen': {
      const parsed = screenMessageSchema.safeParse(value);
      if (!parsed.success || parsed.data.from !== 'technician') return undefined;
      const { sessionId, signal, technician: by, iceConfiguration } = parsed.data;
      return { type: 'screen', sessionId, signal, technicianName: by?.displayName, iceConfiguration };
    }
    default:
      return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function displayNameOf(value: unknown): { displayName?: string } | undefined {
  if (!isRecord(value)) return undefined;
  return { displayName: stringOrUndefined(value.displayName) };
}
