import { randomUUID } from 'node:crypto';
import { appletConnected, sessionForTicket } from '#domain/live-connections';
import { redeemPin } from '#domain/pin-redemption';
import { createSession, generatePin } from '#domain/sessions';
import { dependencies } from '#shared/dependencies';
import { ticketFromFileName } from '../applet/server-config.ts';
import type { BenchEnvironment } from './environment.ts';
import { aliceClaims, authorizerEvent, connectEvent, httpEvent } from './events.ts';

const technician = { id: aliceClaims.sub, username: aliceClaims['cognito:username'], displayName: aliceClaims.name, groups: ['Support'] };

/**
 * For each handler on the session path, a fresh event that succeeds: a new
 * session brought (in this process) into the state the handler needs, so the
 * cold process does the real work, not an early 4xx.
 */
export function coldStartEvents(_env: BenchEnvironment): Record<string, () => Promise<unknown>> {
  const newSession = () => createSession(dependencies(), technician, 'Cold start');
  const pending = async () => {
    const session = await newSession();
    const { pin } = await generatePin(dependencies(), technician, session.id);
    return { id: session.id, pin };
  };
  const connecting = async () => {
    const { id, pin } = await pending();
    const redeemed = await redeemPin(dependencies(), pin, { ip: '127.0.0.1' });
    const ticket = ticketFromFileName(redeemed.applet.fileName);
    if (!ticket) throw new Error('no ticket in the applet file name');
    const grant = await sessionForTicket(dependencies(), ticket);
    if (!grant) throw new Error('a fresh ticket was refused');
    // What the authorizer hands to $connect as its context: the grant's fields as strings.
    const authorizerContext = { role: 'applet', ...Object.fromEntries(Object.entries(grant).map(([key, value]) => [key, String(value)])) };
    return { id, ticket, grant, authorizerContext };
  };
  const sessionRoute = (id: string, verb: string) =>
    httpEvent({ method: 'POST', path: `/api/sessions/${id}/${verb}`, routeKey: `POST /api/sessions/{id}/${verb}`, pathParameters: { id } });
  return {
    'create-session': async () =>
      httpEvent({ method: 'POST', path: '/api/sessions', routeKey: 'POST /api/sessions', body: { customerName: 'Cold start' } }),
    'generate-pin': async () => sessionRoute((await newSession()).id, 'pin'),
    'redeem-pin': async () =>
      httpEvent({
        method: 'POST',
        path: '/api/pin/redeem',
        routeKey: 'POST /api/pin/redeem',
        technician: false,
        body: { pin: (await pending()).pin },
      }),
    'websocket-authorizer': async () => authorizerEvent({ ticket: (await connecting()).ticket }),
    'websocket-connect': async () => connectEvent(randomUUID(), (await connecting()).authorizerContext),
    'start-session': async () => {
      const { id, grant } = await connecting();
      await appletConnected(dependencies(), `cold-${randomUUID()}`, grant, {});
      return sessionRoute(id, 'start');
    },
    'close-session': async () => sessionRoute((await newSession()).id, 'close'),
    'list-sessions': async () => httpEvent({ method: 'GET', path: '/api/sessions', routeKey: 'GET /api/sessions' }),
  };
}
