import { appletHello } from '#domain/live-connections';
import { messageRoute } from '#shared/websocket';

export const handler = messageRoute('hello', (message, connectionId, deps) => appletHello(deps, connectionId, message.systemInfo));
