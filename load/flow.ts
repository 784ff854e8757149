import { apiCall, MessageSocket, ticketFromRedeem, type RawResponse } from './api-client.ts';

/**
 * The steps of the product's flow (created, pending, connecting, waiting, active, closed), each checked for the
 * status the contract promises. The load script strings them together; the
 * fuzz and authorization tests use them to bring sessions into each status.
 */
export interface Target {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** ws://127.0.0.1:<port>/ws */
  readonly webSocketUrl: string;
}

export class UnexpectedResponse extends Error {
  constructor(
    readonly step: string,
    readonly response: RawResponse,
  ) {
    super(`${step}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
  }
}

function expectStatus(step: string, response: RawResponse, status: number): RawResponse {
  if (response.status !== status) throw new UnexpectedResponse(step, response);
  return response;
}

export async function createSession(target: Target, token: string, customerName: string): Promise<string> {
  const response = expectStatus(
    'create session',
    await apiCall(target.url, 'POST', '/api/sessions', { token, body: { customerName } }),
    201,
  );
  return (response.json as { session: { id: string } }).session.id;
}

export async function generatePin(target: Target, token: string, sessionId: string): Promise<string> {
  const response = expectStatus('generate PIN', await apiCall(target.url, 'POST', `/api/sessions/${sessionId}/pin`, { token }), 201);
  return (response.json as { pin: string }).pin;
}

export interface Redeemed {
  readonly sessionId: string;
  readonly ticket: string;
  readonly progressToken: string;
}

export async function redeemPin(target: Target, pin: string, localAddress?: string): Promise<Redeemed> {
  const response = expectStatus('redeem PIN', await apiCall(target.url, 'POST', '/api/pin/redeem', { body: { pin }, localAddress }), 200);
  const body = response.json as { sessionId: string; progress: { token: string } };
  return { sessionId: body.sessionId, ticket: ticketFromRedeem(body), progressToken: body.progress.token };
}

/** Connects like the applet does and introduces itself; resolves once the server has answered the hello. */
export async function connectApplet(target: Target, ticket: string, localAddress?: string): Promise<MessageSocket> {
  const applet = await MessageSocket.open(`${target.webSocketUrl}?ticket=${encodeURIComponent(ticket)}`, { localAddress });
  applet.send({
    action: 'hello',
    systemInfo: { os: 'linux', osVersion: '6.1', arch: 'x64', hostname: 'load-client', cpus: 2, appletVersion: 'load' },
  });
  await applet.next((message) => message.type === 'session.state' || message.type === 'error');
  const answer = applet.received.find((message) => message.type === 'session.state' || message.type === 'error');
  if (answer?.type === 'error') throw new Error(`applet hello refused: ${JSON.stringify(answer)}`);
  return applet;
}

export async function startSession(target: Target, token: string, sessionId: string): Promise<void> {
  expectStatus('start session', await apiCall(target.url, 'POST', `/api/sessions/${sessionId}/start`, { token }), 200);
}

export async function closeSession(target: Target, token: string, sessionId: string): Promise<void> {
  expectStatus('close session', await apiCall(target.url, 'POST', `/api/sessions/${sessionId}/close`, { token }), 200);
}

export type SeedStatus = 'created' | 'pending' | 'connecting' | 'waiting' | 'active' | 'closed';

export interface SeededSession {
  readonly id: string;
  readonly status: SeedStatus;
  /** The live PIN of a pending session. */
  readonly pin?: string;
  readonly redeemed?: Redeemed;
  /** The applet's open socket for waiting and active sessions; the caller closes it. */
  readonly applet?: MessageSocket;
}

/** A session of `token`'s technician brought to `status` through the real API. */
export async function sessionInStatus(
  target: Target,
  token: string,
  status: SeedStatus,
  customerName = `Customer ${status}`,
): Promise<SeededSession> {
  const id = await createSession(target, token, customerName);
  if (status === 'created') return { id, status };
  if (status === 'closed') {
    await closeSession(target, token, id);
    return { id, status };
  }
  const pin = await generatePin(target, token, id);
  if (status === 'pending') return { id, status, pin };
  const redeemed = await redeemPin(target, pin);
  if (status === 'connecting') return { id, status, redeemed };
  const applet = await connectApplet(target, redeemed.ticket);
  if (status === 'waiting') return { id, status, redeemed, applet };
  await startSession(target, token, id);
  await applet.next((message) => message.type === 'session.started');
  return { id, status, redeemed, applet };
}
