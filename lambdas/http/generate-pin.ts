import { generatePin } from '#domain/sessions';
import { limitPinRate } from '#domain/integration-clients';
import { sessionIdFrom, technicianRoute } from '#shared/http';

export const handler = technicianRoute(
  async (request, deps) => {
    // The seed product's API allows one PIN per second per technician; the console has its own pace.
    if (request.technician.actingClient) await limitPinRate(deps, request.technician);
    const { pin, expiresAt, session } = await generatePin(deps, request.technician, sessionIdFrom(request));
    return { status: 201, body: { pin, expiresAt, session } };
  },
  { clientScope: 'sessions.write' },
);
