import { screenSignal } from '#domain/live-connections';
import { messageRoute } from '#shared/websocket';

export const handler = messageRoute('screen', (message, connectionId, deps) =>
  screenSignal(deps, connectionId, message.sessionId, message.signal),
);
