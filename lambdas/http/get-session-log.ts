import { ValidationFailed } from '#domain/errors';
import { getSessionLogPage } from '#domain/sessions';
import { sessionIdFrom, technicianRoute } from '#shared/http';

export const handler = technicianRoute(
  async (request, deps) => {
    const { limit, cursor } = request.queryParameters;
    if (limit !== undefined && !/^\d{1,4}$/.test(limit))
      throw new ValidationFailed('limit is a whole number.', ['limit: expected a whole number']);
    const page = await getSessionLogPage(deps, request.technician, sessionIdFrom(request), {
      limit: limit === undefined ? undefined : Number(limit),
      cursor,
    });
    return { status: 200, body: page };
  },
  { clientScope: 'sessions.read' },
);
