import { startSessionRequestSchema } from '#contracts/schemas/http';
import { startSession } from '#domain/sessions';
import { parseWith, sessionIdFrom, technicianRoute } from '#shared/http';

export const handler = technicianRoute(async (request, deps) => {
  const { verificationCode } = parseWith(startSessionRequestSchema, request.body ?? {});
  return { status: 200, body: { session: await startSession(deps, request.technician, sessionIdFrom(request), verificationCode) } };
});
