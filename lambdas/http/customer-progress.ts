import { customerProgress } from '#domain/pin-redemption';
import { bearerToken, publicRoute } from '#shared/http';

export const handler = publicRoute(async (request, deps) => ({
  status: 200,
  body: await customerProgress(deps, bearerToken(request.headers)),
}));
