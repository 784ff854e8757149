import { listSessions } from '#domain/sessions';
import { technicianRoute } from '#shared/http';

export const handler = technicianRoute(async (request, deps) => ({
  status: 200,
  body: { sessions: await listSessions(deps, request.technician) },
}));
