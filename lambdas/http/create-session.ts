import * as z from 'zod/mini';
import { createSession } from '#domain/sessions';
import { isAcceptableText } from '#domain/text';
import { parseWith, technicianRoute } from '#shared/http';

const body = z.object({
  customerName: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'enter the customer name'),
      z.maxLength(100, 'at most 100 characters'),
      z.refine((name) => isAcceptableText(name), 'no control characters or broken Unicode'),
    ),
});

/** Optional: a client that retries a create sends the same key and gets the same session, never a second one. */
const idempotencyKey = z.optional(z.string().check(z.regex(/^[A-Za-z0-9._:-]{8,128}$/, 'Idempotency-Key: 8-128 letters, digits, . _ : -')));

export const handler = technicianRoute(async (request, deps) => {
  const { customerName } = parseWith(body, request.body ?? {});
  const key = parseWith(idempotencyKey, request.headers['idempotency-key']);
  return { status: 201, body: { session: await createSession(deps, request.technician, customerName, key) } };
}, { clientScope: 'sessions.write' });
