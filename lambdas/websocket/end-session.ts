import { customerEnds } from '#domain/live-connections';
import { messageRoute } from '#shared/websocket';

export const handler = messageRoute('end', (message, connectionId, deps) => customerEnds(deps, connectionId, message.sessionId));
