import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
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

  async toTechnician(technicianId: string, message: ServerMessage, exceptConnectionId?: string): Promise<void> {
    const connectionIds = await this.store.technicianConnectionIds(technicianId);
    await Promise.all(connectionIds.filter((id) => id !== exceptConnectionId).map((id) => this.toConnection(id, message)));
  }
}
