import type { ScreenSignal } from '../websocket/screen-signal.ts';

/**
 * The session as clients see it (HTTP responses, `session.updated` events).
 * Web clients import these types; they carry no runtime code.
 */
export const sessionStatuses = [
  'created',
  'pending',
  'connecting',
  'waiting',
  'active',
  'closed',
  'expired',
  'timed_out',
] as const;

export type SessionStatus = (typeof sessionStatuses)[number];

/** Statuses a session never leaves except by `close` (which dismisses it from the list). */
export const endedStatuses: readonly SessionStatus[] = ['closed', 'expired', 'timed_out'];

export type CloseReason =
  | 'technician_closed'
  | 'customer_ended'
  | 'pin_expired'
  | 'connecting_timed_out'
  | 'waiting_timed_out';

export type CustomerVia = 'app' | 'browser';

export interface SystemInfo {
  readonly os?: string;
  readonly osVersion?: string;
  readonly arch?: string;
  readonly hostname?: string;
  readonly cpus?: number;
  readonly cpuModel?: string;
  readonly memoryBytes?: number;
  readonly uptimeSeconds?: number;
  readonly locale?: string;
  readonly timeZone?: string;
  readonly appletVersion?: string;
  readonly nodeVersion?: string;
}

export interface SessionView {
  readonly id: string;
  readonly customerName: string;
  readonly status: SessionStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When the session entered its current status. */
  readonly statusChangedAt: string;
  readonly technician: { readonly id: string; readonly username: string; readonly displayName: string };
  /** Set while a PIN is live (pending) or once one was issued. */
  readonly pinExpiresAt?: string;
  /** When the current status times out by itself (pending, connecting, waiting). */
  readonly deadlineAt?: string;
  readonly redeemedAt?: string;
  readonly startedAt?: string;
  readonly closedAt?: string;
  readonly closeReason?: CloseReason;
  /** Two digits both sides read aloud once the customer is waiting, so the technician knows who connected. */
  readonly verificationCode?: string;
  readonly customer?: {
    readonly connected: boolean;
    /** How the customer joined: the support app, or the PIN page itself ("Continue in the browser"). */
    readonly via?: CustomerVia;
    readonly ip?: string;
    readonly userAgent?: string;
    readonly systemInfo?: SystemInfo;
  };
  /** Failed PIN redemptions seen while this session's PIN was live. */
  readonly failedRedeemsBeforeSuccess?: number;
}

export type LogEventType =
  | 'created'
  | 'pin_generated'
  | 'pin_replaced'
  | 'pin_redeemed'
  | 'applet_connected'
  | 'applet_disconnected'
  | 'system_info'
  | 'browser_joined'
  | 'browser_disconnected'
  | 'screen_requested'
  | 'screen_shared'
  | 'screen_declined'
  | 'screen_stopped'
  | 'control_requested'
  | 'control_granted'
  | 'control_declined'
  | 'control_released'
  | 'control_revoked'
  | 'verification_failed'
  | 'started'
  | 'chat'
  | 'closed'
  | 'expired'
  | 'timed_out'
  | 'denied'
  | 'log_full';

export interface SessionLogEntry {
  readonly at: string;
  readonly type: LogEventType;
  /** `client`: an integration client (helpdesk system) acting for the session's technician. */
  readonly actor: { readonly kind: 'technician' | 'customer' | 'system' | 'client'; readonly name?: string };
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Messages the server pushes over the WebSocket. */
export type ServerMessage =
  | { readonly type: 'session.updated'; readonly session: SessionView }
  | { readonly type: 'session.started'; readonly sessionId: string; readonly technician: { readonly displayName: string } }
  | { readonly type: 'session.closed'; readonly sessionId: string; readonly reason: CloseReason }
  | {
      readonly type: 'session.state';
      readonly session: CustomerSessionState;
      /** Single-use ticket for the applet's next reconnect; the one it connected with is spent. */
      readonly resumeTicket?: string;
    }
  | {
      readonly type: 'chat';
      readonly sessionId: string;
      readonly from: 'technician' | 'customer';
      readonly text: string;
      readonly at: string;
    }
  | {
      readonly type: 'screen';
      readonly sessionId: string;
      readonly from: 'technician' | 'customer';
      readonly signal: ScreenSignal;
      /** Set on requests (screen and control): the customer is asked by name. */
      readonly technician?: { readonly displayName: string };
    }
  | { readonly type: 'error'; readonly code: string; readonly message: string };

/** What the customer's side (applet, PIN page) learns about its session. */
export interface CustomerSessionState {
  readonly id: string;
  readonly status: SessionStatus;
  readonly technician: { readonly displayName: string };
  readonly verificationCode?: string;
  readonly via?: CustomerVia;
}
