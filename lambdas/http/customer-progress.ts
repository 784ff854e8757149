import { customerProgress } from '#domain/pin-redemption';
import { publicRoute } from '#shared/http';

export const handler = publicRoute(async (request, deps) => {
  const authorization = request.headers.authorization ?? request.headers.Authorization;
  const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length).trim() : undefined;
  return { status: 200, body: await customerProgress(deps, token) };
});
