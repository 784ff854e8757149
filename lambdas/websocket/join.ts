import { browserJoins } from '#domain/live-connections';
import { messageRoute } from '#shared/websocket';

export const handler = messageRoute('join', (_message, connectionId, deps) => browserJoins(deps, connectionId));
