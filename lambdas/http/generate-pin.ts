import { generatePin } from '#domain/sessions';
import { sessionIdFrom, technicianRoute } from '#shared/http';

export const handler = technicianRoute(async (request, deps) => {
  const { pin, expiresAt, session } = await generatePin(deps, request.technician, sessionIdFrom(request));
  return { status: 201, body: { pin, expiresAt, session } };
});
