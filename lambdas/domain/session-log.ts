import { openFromLog } from './secrets.ts';
import type { LogEventType, SessionLogEntry } from './session-model.ts';
import type { Technician } from './technician.ts';

type Actor = SessionLogEntry['actor'];

export const actors = {
  technician: (technician: Pick<Technician, 'displayName' | 'actingClient'>): Actor =>
    technician.actingClient ? { kind: 'client', name: technician.actingClient.name } : { kind: 'technician', name: technician.displayName },
  customer: (name?: string): Actor => (name ? { kind: 'customer', name } : { kind: 'customer' }),
  system: (): Actor => ({ kind: 'system' }),
};

export function logEntry(at: Date, type: LogEventType, actor: Actor, message: string, details?: Record<string, unknown>): SessionLogEntry {
  return { at: at.toISOString(), type, actor, message, ...(details ? { details } : {}) };
}

/** PIN-generated entries carry the PIN sealed; the owner's log view shows it in the clear, as the seed product does. */
export function revealPins(entries: readonly SessionLogEntry[], secret: Buffer): SessionLogEntry[] {
  return entries.map((entry) => {
    const sealed = entry.details?.pinSealed;
    if (entry.type !== 'pin_generated' || typeof sealed !== 'string') return entry;
    const { pinSealed: _sealed, ...rest } = entry.details ?? {};
    const pin = openFromLog(secret, sealed);
    return {
      ...entry,
      message: pin ? `PIN code ${pin} created` : entry.message,
      details: { ...rest, ...(pin ? { pin } : {}) },
    };
  });
}
