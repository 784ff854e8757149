import { chat } from '#domain/live-connections';
import { messageRoute } from '#shared/websocket';

export const handler = messageRoute('chat', (message, connectionId, deps) => chat(deps, connectionId, message.sessionId, message.text));
