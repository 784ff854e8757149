import type { ServerMessage } from './session-model.ts';

/** Pushes server messages to WebSocket connections; the domain never sees API Gateway. */
export interface Notifier {
  /** To every console connection of a technician (optionally not the sender's own). */
  toTechnician(technicianId: string, message: ServerMessage, exceptConnectionId?: string): Promise<void>;
  /** To one connection; false when it is gone (and has been forgotten). */
  toConnection(connectionId: string, message: ServerMessage): Promise<boolean>;
  /** Closes one connection and forgets it (already gone is fine). */
  disconnect(connectionId: string): Promise<void>;
}

/** The minimal structured logger the domain needs (Powertools' Logger fits). */
export interface EventLogger {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}
