import * as z from 'zod/mini';
import { redeemPin } from '#domain/pin-redemption';
import { parseWith, publicRoute } from '#shared/http';

const body = z.object({ pin: z.string().check(z.maxLength(32, 'a PIN is 6 digits')) });

export const handler = publicRoute(async (request, deps) => {
  const { pin } = parseWith(body, request.body ?? {});
  return { status: 200, body: await redeemPin(deps, pin, request.client) };
});
