import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readCredentialsFile } from '../../local/dynamodb-credentials.ts';
import { putGroup } from '#storage/directory';
import { getToken, startRuntimeProcess, type RuntimeProcess } from '../support/runtime.ts';
import { api, isError, isState, redeemedSession, TestSocket, type Message } from '../support/live-session.ts';

/**
 * The customer page as a live connection of its one session, through the
 * real local runtime: what it receives, what "Continue in the browser" does,
 * the verification code, and every way a connection might signal where it
 * does not belong.
 */

let runtime: RuntimeProcess;
let alice: string;
let bob: string;
const sockets: TestSocket[] = [];

async function open(query: string): Promise<TestSocket> {
  const socket = await TestSocket.open(`${runtime.wsUrl}?${query}`);
  sockets.push(socket);
  return socket;
}

async function logTypes(sessionId: string): Promise<{ type: string; details?: Record<string, unknown>; message: string }[]> {
  const log = await api<{ entries: { type: string; details?: Record<string, unknown>; message: string }[] }>(
    runtime.url,
    'GET',
    `/api/sessions/${sessionId}/log`,
    alice,
  );
  return log.body.entries;
}

/** A session the customer joined from the browser and alice started: the page and alice's console are live. */
async function activeBrowserSession(name: string) {
  const session = await redeemedSession(runtime.url, alice, name);
  const page = await open(`progress=${session.progressToken}`);
  page.send({ action: 'follow' });
  await page.next(isState('connecting'));
  page.send({ action: 'join' });
  await page.next(isState('waiting'));
  const started = await api(runtime.url, 'POST', `/api/sessions/${session.sessionId}/start`, alice);
  expect(started.status).toBe(200);
  await page.next(isState('active'));
  return { ...session, page };
}

beforeAll(async () => {
  runtime = await startRuntimeProcess({ PERMISSION_CACHE_SECONDS: '0' });
  [alice, bob] = await Promise.all([getToken(runtime.url, 'alice'), getToken(runtime.url, 'bob')]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await runtime?.stop();
});

describe('the PIN page follows its session by push', () => {
  it('learns every status change and the verification code without asking again', async () => {
    const session = await redeemedSession(runtime.url, alice, 'Push Erika');
    const page = await open(`progress=${session.progressToken}`);
    page.send({ action: 'follow' });
    expect((await page.next(isState('connecting'))).session).toMatchObject({
      id: session.sessionId,
      technician: { displayName: 'Alice Adler' },
    });
    // The applet arrives: the page hears "waiting" with no request of its own.
    const applet = await open(`ticket=${session.ticket}`);
    const waiting = await page.next(isState('waiting'));
    applet.send({ action: 'hello', systemInfo: { os: 'Linux' } });
    const appletState = await applet.next((m) => m.type === 'session.state');
    const code = (waiting.session as { verificationCode?: string }).verificationCode;
    expect(code).toMatch(/^[0-9]{2}$/);
    expect((appletState.session as { verificationCode?: string }).verificationCode).toBe(code);
    expect((waiting.session as { via?: string }).via).toBe('app');
    const viewed = await api<{ session: { verificationCode?: string; customer?: { via?: string } } }>(
      runtime.url,
      'GET',
      `/api/sessions/${session.sessionId}`,
      alice,
    );
    expect(viewed.body.session).toMatchObject({ verificationCode: code, customer: { via: 'app' } });

    await api(runtime.url, 'POST', `/api/sessions/${session.sessionId}/start`, alice);
    await page.next(isState('active'));
    await api(runtime.url, 'POST', `/api/sessions/${session.sessionId}/close`, alice);
    await page.next(isState('closed'));
  });

  it('refuses a progress token it does not know, and one whose session has ended', async () => {
    await expect(open('progress=not-a-real-progress-token-at-all')).rejects.toThrow(/403/);
    const session = await redeemedSession(runtime.url, alice, 'Ended Erika');
    await api(runtime.url, 'POST', `/api/sessions/${session.sessionId}/close`, alice);
    await expect(open(`progress=${session.progressToken}`)).rejects.toThrow(/403/);
  });
});

describe('Continue in the browser', () => {
  it('moves the session to waiting with customer.via "browser", logged, and spends the applet ticket', async () => {
    const session = await redeemedSession(runtime.url, alice, 'Browser Erika');
    const console = await open(`token=${alice}`);
    const page = await open(`progress=${session.progressToken}`);
    page.send({ action: 'join' });
    const waiting = await page.next(isState('waiting'));
    expect(waiting.session).toMatchObject({ via: 'browser', verificationCode: expect.stringMatching(/^[0-9]{2}$/) });
    const update = await console.next(
      (m) =>
        m.type === 'session.updated' &&
        (m.session as { id: string; status: string }).id === session.sessionId &&
        (m.session as { status: string }).status === 'waiting',
    );
    expect(update.session).toMatchObject({
      customer: { via: 'browser', connected: true },
      verificationCode: (waiting.session as { verificationCode: string }).verificationCode,
    });
    expect((await logTypes(session.sessionId)).map((entry) => entry.type)).toContain('browser_joined');
    await expect(open(`ticket=${session.ticket}`)).rejects.toThrow(/403/);
  });

  it('cannot pose as the applet: no hello, no end', async () => {
    const session = await redeemedSession(runtime.url, alice, 'Posing Erika');
    const page = await open(`progress=${session.progressToken}`);
    page.send({ action: 'hello', systemInfo: { os: 'Evil' } });
    expect((await page.next(isError())).code).toBe('forbidden');
    page.send({ action: 'end', sessionId: session.sessionId });
    await page.next(isError('not_found'));
    const viewed = await api<{ session: { status: string; customer?: { systemInfo?: unknown } } }>(
      runtime.url,
      'GET',
      `/api/sessions/${session.sessionId}`,
      alice,
    );
    expect(viewed.body.session.status).toBe('connecting');
    expect(viewed.body.session.customer?.systemInfo).toBeUndefined();
  });
});

describe('chat on the page', () => {
  it('carries lines both ways once active', async () => {
    const session = await activeBrowserSession('Chat Erika');
    const console = await open(`token=${alice}`);
    session.page.send({ action: 'chat', sessionId: session.sessionId, text: 'Hallo, mein Drucker' });
    const fromCustomer = await console.next((m) => m.type === 'chat' && m.sessionId === session.sessionId);
    expect(fromCustomer).toMatchObject({ from: 'customer', text: 'Hallo, mein Drucker' });
    console.send({ action: 'chat', sessionId: session.sessionId, text: 'Ich sehe es mir an' });
    expect(await session.page.next((m) => m.type === 'chat')).toMatchObject({ from: 'technician', text: 'Ich sehe es mir an' });
  });
});

describe('verification code at Start', () => {
  it('is required where the group says so, and must match', async () => {
    // The runtime's table is visible only under its per-run key.
    const access = await readCredentialsFile(runtime.dynamoDbCredentialsFile);
    const client = new DynamoDBClient({ endpoint: access.endpoint, region: access.region, credentials: access });
    const table = { client: DynamoDBDocumentClient.from(client), name: access.table };
    await putGroup(table, {
      name: 'Support',
      permissions: { privateSessions: true, pinCode: true },
      settings: { verificationCodeAtStart: true },
    });
    try {
      const session = await redeemedSession(runtime.url, alice, 'Code Erika');
      const page = await open(`progress=${session.progressToken}`);
      page.send({ action: 'join' });
      const code = ((await page.next(isState('waiting'))).session as { verificationCode: string }).verificationCode;
      const me = await api<{ technician: { verificationCodeAtStart?: boolean } }>(runtime.url, 'GET', '/api/me', alice);
      expect(me.body.technician.verificationCodeAtStart).toBe(true);
      const wrong = String((Number(code) + 1) % 100).padStart(2, '0');
      const withoutCode = await api<{ error: { code: string } }>(runtime.url, 'POST', `/api/sessions/${session.sessionId}/start`, alice);
      expect(withoutCode.status).toBe(409);
      expect(withoutCode.body.error.code).toBe('verification_code_mismatch');
      expect((await api(runtime.url, 'POST', `/api/sessions/${session.sessionId}/start`, alice, { verificationCode: wrong })).status).toBe(
        409,
      );
      expect((await api(runtime.url, 'POST', `/api/sessions/${session.sessionId}/start`, alice, { verificationCode: code })).status).toBe(
        200,
      );
      expect((await logTypes(session.sessionId)).filter((entry) => entry.type === 'verification_failed')).toHaveLength(2);
    } finally {
      await putGroup(table, { name: 'Support', permissions: { privateSessions: true, pinCode: true } });
    }
  });
});

describe('screen-view signaling stays between the two sides of one active session', () => {
  const request = (sessionId: string) => ({ action: 'screen', sessionId, signal: { kind: 'request' } });

  it('relays request, decline and stop, logging each with who did it', async () => {
    const session = await activeBrowserSession('Signal Erika');
    const console = await open(`token=${alice}`);
    console.send(request(session.sessionId));
    expect(await session.page.next((m) => m.type === 'screen')).toMatchObject({
      from: 'technician',
      signal: { kind: 'request' },
      technician: { displayName: 'Alice Adler' },
    });
    session.page.send({ action: 'screen', sessionId: session.sessionId, signal: { kind: 'decline' } });
    await console.next((m) => m.type === 'screen' && (m.signal as { kind: string }).kind === 'decline');
    console.send(request(session.sessionId));
    await session.page.nextNew((m) => m.type === 'screen');
    session.page.send({ action: 'screen', sessionId: session.sessionId, signal: { kind: 'share' } });
    await console.next((m) => m.type === 'screen' && (m.signal as { kind: string }).kind === 'share');
    session.page.send({ action: 'screen', sessionId: session.sessionId, signal: { kind: 'stop' } });
    await console.next((m) => m.type === 'screen' && (m.signal as { kind: string }).kind === 'stop');
    const screenEntries = (await logTypes(session.sessionId)).filter((entry) => entry.type.startsWith('screen_'));
    expect(screenEntries.map((entry) => entry.type)).toEqual([
      'screen_requested',
      'screen_declined',
      'screen_requested',
      'screen_shared',
      'screen_stopped',
    ]);
    expect(screenEntries.at(-1)?.details).toEqual({ by: 'customer' });
  });

  it('refuses a foreign technician, another session\u2019s page and applet, each logged as denied in the session they reached for', async () => {
    const target = await activeBrowserSession('Target Erika');
    const other = await redeemedSession(runtime.url, alice, 'Other Erika');
    const otherPage = await open(`progress=${other.progressToken}`);
    const otherApplet = await open(`ticket=${other.ticket}`);
    const bobConsole = await open(`token=${bob}`);
    const received: Message[] = [];
    target.page.socket.on('message', (data) => received.push(JSON.parse(String(data)) as Message));

    bobConsole.send(request(target.sessionId));
    await bobConsole.next(isError('not_found'));
    otherPage.send({ action: 'screen', sessionId: target.sessionId, signal: { kind: 'offer', sdp: 'v=0' } });
    await otherPage.next(isError('not_found'));
    otherApplet.send({ action: 'screen', sessionId: target.sessionId, signal: { kind: 'share' } });
    await otherApplet.next(isError('not_found'));

    const denied = (await logTypes(target.sessionId)).filter((entry) => entry.type === 'denied').map((entry) => entry.message);
    expect(denied).toEqual([
      expect.stringContaining('technician Bob Becker'),
      expect.stringContaining('the PIN page of another session'),
      expect.stringContaining('the applet of another session'),
    ]);
    expect(received.filter((m) => m.type === 'screen')).toEqual([]);
  });

  it('refuses a side that sends what only the other side may, a frame over 32 KB, and anything after the close', async () => {
    const session = await activeBrowserSession('Closed Erika');
    const console = await open(`token=${alice}`);
    session.page.send({ action: 'screen', sessionId: session.sessionId, signal: { kind: 'request' } });
    await session.page.next(isError('forbidden'));
    console.send({ action: 'screen', sessionId: session.sessionId, signal: { kind: 'answer', sdp: 'x'.repeat(33 * 1024) } });
    await console.next(isError('payload_too_large'));

    await api(runtime.url, 'POST', `/api/sessions/${session.sessionId}/close`, alice);
    await session.page.next(isState('closed'));
    console.send(request(session.sessionId));
    await console.next(isError('invalid_transition'));
    session.page.send({ action: 'screen', sessionId: session.sessionId, signal: { kind: 'share' } });
    await session.page.next(isError('invalid_transition'));
    const ice = await api(runtime.url, 'GET', '/api/pin/ice-servers', undefined);
    expect(ice.status).toBe(401);
    const closedIce = await fetch(`${runtime.url}/api/pin/ice-servers`, { headers: { authorization: `Bearer ${session.progressToken}` } });
    expect(closedIce.status).toBe(409);
  });

  it('refuses remote control where no support app is connected, and control answers from the technician', async () => {
    const session = await activeBrowserSession('Browser Control Erika');
    const console = await open(`token=${alice}`);
    console.send({ action: 'screen', sessionId: session.sessionId, signal: { kind: 'control_request' } });
    expect((await console.next(isError('invalid_transition'))).message).toContain('Remote control needs the support app');
    console.send({ action: 'screen', sessionId: session.sessionId, signal: { kind: 'control_grant' } });
    await console.nextNew(isError('forbidden'));
    expect((await logTypes(session.sessionId)).filter((entry) => entry.type.startsWith('control_'))).toEqual([]);
  });

  it('hands both sides the same ICE configuration while active (empty locally: host candidates)', async () => {
    const session = await activeBrowserSession('Ice Erika');
    const technician = await api(runtime.url, 'GET', `/api/sessions/${session.sessionId}/ice-servers`, alice);
    const customer = await fetch(`${runtime.url}/api/pin/ice-servers`, { headers: { authorization: `Bearer ${session.progressToken}` } });
    expect(technician).toEqual({ status: 200, body: { iceServers: [] } });
    expect(await customer.json()).toEqual({ iceServers: [] });
    expect((await api(runtime.url, 'GET', `/api/sessions/${session.sessionId}/ice-servers`, bob)).status).toBe(404);
  });
});
