import * as z from 'zod/mini';
import { startSession } from '#domain/sessions';
import { parseWith, sessionIdFrom, technicianRoute } from '#shared/http';

/** The code is needed only where the technician's group makes it part of Start; a body is optional otherwise. */
const body = z.object({ verificationCode: z.optional(z.string().check(z.regex(/^[0-9]{2}$/, 'two digits'))) });

export const handler = technicianRoute(async (request, deps) => {
  const { verificationCode } = parseWith(body, request.body ?? {});
  return { status: 200, body: { session: await startSession(deps, request.technician, sessionIdFrom(request), verificationCode) } };
});
