import { customerIceServers } from '#domain/ice-servers';
import { bearerToken, publicRoute } from '#shared/http';

export const handler = publicRoute(async (request, deps) => ({
  status: 200,
  body: await customerIceServers(deps, bearerToken(request.headers)),
  headers: { 'cache-control': 'no-store' },
}));
