import { pageFollows } from '#domain/live-connections';
import { messageRoute } from '#shared/websocket';

export const handler = messageRoute('follow', (_message, connectionId, deps) => pageFollows(deps, connectionId));
