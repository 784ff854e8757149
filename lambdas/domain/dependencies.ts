import type { Store } from '#storage/store';
import type { SessionLogEntry } from './session-model.ts';
import type { SessionItem } from './session-rules.ts';
import type { Clock } from './clock.ts';
import type { IceServerProvider } from './ice-servers.ts';
import type { ServiceConfig } from './config.ts';
import type { EventLogger, Notifier } from './notifier.ts';
import type { PermissionService } from './permissions.ts';

/** Storage as the domain uses it: sessions and log entries of the domain's own types. */
export type SessionStore = Store<SessionItem, SessionLogEntry>;

/** Everything a use case needs, passed in so that tests and the local runtime can supply their own. */
export interface Dependencies {
  readonly store: SessionStore;
  readonly config: ServiceConfig;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly permissions: PermissionService;
  /** The PIN keyed-hash secret, loaded once per cold start. */
  readonly pinSecret: () => Promise<Buffer>;
  readonly logger: EventLogger;
  /** STUN/TURN for screen view; without one, host candidates only. */
  readonly iceServers?: IceServerProvider;
}
