import { redeemPinRequestSchema } from '#contracts/schemas/http';
import { redeemPin } from '#domain/pin-redemption';
import { parseWith, publicRoute } from '#shared/http';

export const handler = publicRoute(async (request, deps) => {
  const { pin } = parseWith(redeemPinRequestSchema, request.body ?? {});
  return { status: 200, body: await redeemPin(deps, pin, request.client) };
});
