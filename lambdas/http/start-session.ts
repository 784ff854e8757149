import { startSession } from '#domain/sessions';
import { sessionIdFrom, technicianRoute } from '#shared/http';

export const handler = technicianRoute(async (request, deps) => ({
  status: 200,
  body: { session: await startSession(deps, request.technician, sessionIdFrom(request)) },
}));
