import { technicianIceServers } from '#domain/ice-servers';
import { sessionIdFrom, technicianRoute } from '#shared/http';

export const handler = technicianRoute(async (request, deps) => ({
  status: 200,
  body: await technicianIceServers(deps, request.technician, sessionIdFrom(request)),
  headers: { 'cache-control': 'no-store' },
}));
