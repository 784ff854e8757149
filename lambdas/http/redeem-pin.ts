import { z } from 'zod';
import { redeemPin } from '#domain/pin-redemption';
import { parseWith, publicRoute } from '#shared/http';

const body = z.object({ pin: z.string().max(32, 'a PIN is 6 digits') });

export const handler = publicRoute(async (request, deps) => {
  const { pin } = parseWith(body, request.body ?? {});
  return { status: 200, body: await redeemPin(deps, pin, request.client) };
});
