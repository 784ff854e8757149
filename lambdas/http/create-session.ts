import { createSessionRequestSchema, idempotencyKeySchema } from '#contracts/schemas/http';
import { createSession } from '#domain/sessions';
import { parseWith, technicianRoute } from '#shared/http';

export const handler = technicianRoute(
  async (request, deps) => {
    const { customerName } = parseWith(createSessionRequestSchema, request.body ?? {});
    const key = parseWith(idempotencyKeySchema, request.headers['idempotency-key']);
    return { status: 201, body: { session: await createSession(deps, request.technician, customerName, key) } };
  },
  { clientScope: 'sessions.write' },
);
