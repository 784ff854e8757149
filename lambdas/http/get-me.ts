import { describeTechnician } from '#domain/sessions';
import { technicianRoute } from '#shared/http';

export const handler = technicianRoute(async (request, deps) => ({
  status: 200,
  body: { technician: await describeTechnician(deps, request.technician) },
}));
