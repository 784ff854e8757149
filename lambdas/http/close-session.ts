import { closeSession } from '#domain/sessions';
import { sessionIdFrom, technicianRoute } from '#shared/http';

export const handler = technicianRoute(
  async (request, deps) => ({
    status: 200,
    body: { session: await closeSession(deps, request.technician, sessionIdFrom(request)) },
  }),
  { clientScope: 'sessions.write' },
);
