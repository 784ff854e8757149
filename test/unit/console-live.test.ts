import { describe, expect, it } from '@jest/globals';
import type { ServerMessage } from '../../lambdas/domain/session-model.ts';
import { backoffDelay, LiveConnection, socketUrl, type LiveState, type SocketLike } from '../../web/console/src/live.ts';

class FakeSocket implements SocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  readyState = 0;
  readonly sent: string[] = [];
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({});
  }
}

function harness(token: () => string | undefined = () => 'jwt-1') {
  const sockets: FakeSocket[] = [];
  const timers: { callback: () => void; milliseconds: number }[] = [];
  const opens: boolean[] = [];
  const states: LiveState[] = [];
  const messages: ServerMessage[] = [];
  let signedOut = 0;
  const connection = new LiveConnection({
    url: 'ws://127.0.0.1:3000/ws',
    token: async () => token(),
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    onMessage: (message) => messages.push(message),
    onOpen: (reconnected) => opens.push(reconnected),
    onState: (state) => states.push(state),
    onSignedOut: () => {
      signedOut += 1;
    },
    random: () => 1,
    keepAliveMilliseconds: 300_000,
    schedule: (callback, milliseconds) => timers.push({ callback, milliseconds }),
    cancel: () => undefined,
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  /** Runs the next reconnect timer (keep-alive timers are left alone). */
  const runNextRetry = () => {
    const index = timers.findIndex((timer) => timer.milliseconds !== 300_000);
    timers.splice(index, 1)[0]?.callback();
  };
  return { connection, sockets, timers, opens, states, messages, settle, runNextRetry, signedOut: () => signedOut };
}

describe('live connection', () => {
  it('connects with the token in the query', async () => {
    const live = harness();
    live.connection.start();
    await live.settle();
    expect(live.sockets[0]?.url).toBe('ws://127.0.0.1:3000/ws?token=jwt-1');
    expect(socketUrl('wss://abc.execute-api.eu-central-1.amazonaws.com/prod', 'a.b.c')).toBe(
      'wss://abc.execute-api.eu-central-1.amazonaws.com/prod?token=a.b.c',
    );
  });

  it('reconnects with growing delays and reports the reconnect so the console catches up', async () => {
    const live = harness();
    live.connection.start();
    await live.settle();
    live.sockets[0]?.open();
    expect(live.opens).toEqual([false]);
    live.sockets[0]?.drop();
    live.runNextRetry();
    await live.settle();
    live.sockets[1]?.drop();
    live.runNextRetry();
    await live.settle();
    live.sockets[2]?.open();
    expect(live.opens).toEqual([false, true]);
    expect(
      live.states.filter((state) => state.kind === 'retrying').map((state) => (state.kind === 'retrying' ? state.inMilliseconds : 0)),
    ).toEqual([1000, 2000]);
    // After a successful open the backoff starts over.
    live.sockets[2]?.drop();
    expect(live.timers.filter((timer) => timer.milliseconds !== 300_000).map((timer) => timer.milliseconds)).toEqual([1000]);
  });

  it('caps the backoff at 30 s and jitters down to half', () => {
    expect(backoffDelay(0, () => 1)).toBe(1000);
    expect(backoffDelay(3, () => 1)).toBe(8000);
    expect(backoffDelay(20, () => 1)).toBe(30_000);
    expect(backoffDelay(20, () => 0)).toBe(15_000);
  });

  it('passes server messages on and ignores malformed frames', async () => {
    const live = harness();
    live.connection.start();
    await live.settle();
    const socket = live.sockets[0];
    socket?.open();
    socket?.onmessage?.({ data: '{"type":"chat","sessionId":"s","from":"customer","text":"hi","at":"t"}' });
    socket?.onmessage?.({ data: 'not json' });
    socket?.onmessage?.({ data: '42' });
    expect(live.messages).toEqual([{ type: 'chat', sessionId: 's', from: 'customer', text: 'hi', at: 't' }]);
  });

  it('sends only while open, so the caller can say "not sent"', async () => {
    const live = harness();
    live.connection.start();
    await live.settle();
    expect(live.connection.send({ action: 'chat', sessionId: 's', text: 'x' })).toBe(false);
    live.sockets[0]?.open();
    expect(live.connection.send({ action: 'chat', sessionId: 's', text: 'x' })).toBe(true);
    expect(live.sockets[0]?.sent).toEqual(['{"action":"chat","sessionId":"s","text":"x"}']);
  });

  it('pings while open so API Gateway does not close an idle connection, and stops pinging once closed', async () => {
    const live = harness();
    live.connection.start();
    await live.settle();
    const socket = live.sockets[0];
    socket?.open();
    const keepAlive = live.timers.find((timer) => timer.milliseconds === 300_000);
    keepAlive?.callback();
    expect(socket?.sent).toEqual(['{"action":"ping"}']);
    expect(live.connection.lastSentAction).toBe('ping');
    live.connection.send({ action: 'chat', sessionId: 's', text: 'x' });
    expect(live.connection.lastSentAction).toBe('chat');
    const next = live.timers.filter((timer) => timer.milliseconds === 300_000).at(-1);
    socket?.drop();
    next?.callback();
    expect(socket?.sent).toHaveLength(2);
  });

  it('stops trying when the sign-in is gone, and after stop()', async () => {
    const live = harness(() => undefined);
    live.connection.start();
    await live.settle();
    expect(live.signedOut()).toBe(1);
    expect(live.sockets).toHaveLength(0);

    const stopped = harness();
    stopped.connection.start();
    await stopped.settle();
    stopped.sockets[0]?.open();
    stopped.connection.stop();
    stopped.sockets[0]?.drop();
    expect(stopped.timers.filter((timer) => timer.milliseconds !== 300_000)).toHaveLength(0);
  });
});
