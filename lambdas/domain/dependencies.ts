import type { Store } from '#storage/store';
import type { Clock } from './clock.ts';
import type { IceServerProvider } from './ice-servers.ts';
import type { ServiceConfig } from './config.ts';
import type { EventLogger, Notifier } from './notifier.ts';
import type { PermissionService } from './permissions.ts';

/** Everything a use case needs, passed in so that tests and the local runtime can supply their own. */
export interface Dependencies {
  readonly store: Store;
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
