import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { Clock } from '#domain/clock';
import { tokenExpired } from '#domain/live-connections';
import type { EventLogger, Notifier } from '#domain/notifier';
import type { ServerMessage } from '#domain/session-model';
import type { SessionStore } from '#domain/dependencies';

/**
 * Posts through the @connections management API. A 410 Gone means that one
 * connection is dead: its record is deleted, nobody else's.
 */
export class ConnectionsNotifier implements Notifier {
  constructor(
    private readonly client: ApiGatewayManagementApiClient,
    private readonly store: SessionStore,
    private readonly logger: EventLogger,
    private readonly clock: Clock,
  ) {}

  async toConnection(connectionId: string, message: ServerMessage): Promise<boolean> {
    const data = new TextEncoder().encode(JSON.stringify(message));
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
        return true;
      } catch (error) {
        if (error instanceof GoneException) {
          await this.store.deleteConnection(connectionId);
          return false;
        }
        // One more try for a passing fault (the SDK has retried already); after that a push is best
        // effort: the state change is durable and clients catch up when they reconnect.
        if (attempt < 2) continue;
        this.logger.warn('Could not post to a connection', { event: 'post_to_connection_failed', errorName: (error as Error).name });
        return false;
      }
    }
  }

  async disconnect(connectionId: string): Promise<void> {
    try {
      await this.client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    } catch (error) {
      // Gone already is the wanted end; anything else still must not leave the record to be pushed to.
      if (!(error instanceof GoneException)) {
        this.logger.warn('Could not close a connection', { event: 'delete_connection_failed', errorName: (error as Error).name });
      }
    }
    await this.store.deleteConnection(connectionId);
  }

  /** Consoles whose token expired get nothing more: they are closed (the console signs in again and reconnects). */
  async toTechnician(technicianId: string, message: ServerMessage, exceptConnectionId?: string): Promise<void> {
    const now = this.clock.now();
    const connections = (await this.store.technicianConnections(technicianId)).filter(
      ({ connectionId }) => connectionId !== exceptConnectionId,
    );
    await Promise.all(
      connections.map(async ({ connectionId, tokenExpiresAt }) => {
        if (!tokenExpired(tokenExpiresAt, now)) return void (await this.toConnection(connectionId, message));
        this.logger.info('Closing a connection whose token expired', { event: 'websocket_token_expired', connectionId });
        await this.disconnect(connectionId);
      }),
    );
  }
}
