import { z } from 'zod';
import { createSession } from '#domain/sessions';
import { parseWith, technicianRoute } from '#shared/http';

const body = z.object({
  customerName: z
    .string()
    .trim()
    .min(1, 'enter the customer name')
    .max(100, 'at most 100 characters')
    .refine((name) => !/\p{Cc}/u.test(name), 'no control characters'),
});

export const handler = technicianRoute(async (request, deps) => {
  const { customerName } = parseWith(body, request.body ?? {});
  return { status: 201, body: { session: await createSession(deps, request.technician, customerName) } };
});
