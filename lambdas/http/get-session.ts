import { getSession } from '#domain/sessions';
import { sessionIdFrom, technicianRoute } from '#shared/http';

export const handler = technicianRoute(
  async (request, deps) => ({
    status: 200,
    body: { session: await getSession(deps, request.technician, sessionIdFrom(request)) },
  }),
  { clientScope: 'sessions.read' },
);
