import { randomBytes } from 'node:crypto';
import type { Clock } from '#domain/clock';
import { defaultConfig, type ServiceConfig } from '#domain/config';
import type { Dependencies } from '#domain/dependencies';
import type { EventLogger, Notifier } from '#domain/notifier';
import { PermissionService } from '#domain/permissions';
import type { ServerMessage } from '#domain/session-model';
import type { Technician } from '#domain/technician';
import type { Table } from '#storage/dynamo-client';
import { seedTechnicians } from '#storage/directory';
import { DynamoStore } from '#storage/dynamo-store';

/** A clock tests move by hand, to cross PIN validity and time-outs without waiting. */
export class ManualClock implements Clock {
  constructor(private current = new Date()) {}
  now(): Date {
    return new Date(this.current);
  }
  advanceSeconds(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

/** Records what would have been pushed over WebSockets, per technician and per connection. */
export class RecordingNotifier implements Notifier {
  readonly toTechnicians: { technicianId: string; message: ServerMessage }[] = [];
  readonly toConnections: { connectionId: string; message: ServerMessage }[] = [];
  readonly disconnected: string[] = [];
  async toTechnician(technicianId: string, message: ServerMessage): Promise<void> {
    this.toTechnicians.push({ technicianId, message });
  }
  async toConnection(connectionId: string, message: ServerMessage): Promise<boolean> {
    this.toConnections.push({ connectionId, message });
    return true;
  }
  async disconnect(connectionId: string): Promise<void> {
    this.disconnected.push(connectionId);
  }
}

export const silentLogger: EventLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface TestDependencies extends Dependencies {
  readonly clock: ManualClock;
  readonly notifier: RecordingNotifier;
}

export function testDependencies(table: Table, config: Partial<ServiceConfig> = {}): TestDependencies {
  const secret = randomBytes(32);
  return {
    store: new DynamoStore(table),
    config: { ...defaultConfig, ...config },
    clock: new ManualClock(),
    notifier: new RecordingNotifier(),
    permissions: new PermissionService(table, 0),
    pinSecret: async () => secret,
    logger: silentLogger,
  };
}

/** The seeded technicians as their tokens would name them. */
export function seededTechnician(username: 'alice' | 'bob' | 'carol'): Technician {
  const seeded = seedTechnicians.find((technician) => technician.username === username);
  if (!seeded) throw new Error(`no seeded technician ${username}`);
  return { id: seeded.sub, username: seeded.username, displayName: seeded.displayName, groups: seeded.groups };
}
