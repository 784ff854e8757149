import WebSocket from 'ws';
import type { TransportFactory } from './connection.ts';

export interface WebSocketTransportOptions {
  readonly userAgent: string;
  /** A server that accepts TCP but never answers the upgrade counts as unreachable after this. */
  readonly handshakeTimeoutMs?: number;
  /**
   * How often to send `{"action":"ping"}` while connected. API Gateway closes a
   * WebSocket after 10 idle minutes and does not count ping frames; a message
   * on the service's no-op `ping` route keeps the customer's wait unbroken.
   */
  readonly keepAliveMs?: number;
}

const keepAliveMessage = JSON.stringify({ action: 'ping' });

/** The applet's transport: the `ws` client (Node 20 has no stable global WebSocket). */
export function webSocketTransport(options: WebSocketTransportOptions): TransportFactory {
  return (url, handlers) => {
    const socket = new WebSocket(url, {
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
      perMessageDeflate: false,
      headers: { 'User-Agent': options.userAgent },
    });
    let rejectedStatus: number | undefined;
    let keepAlive: ReturnType<typeof setInterval> | undefined;
    let ended = false;

    socket.on('unexpected-response', (_request, response) => {
      rejectedStatus = response.statusCode;
      response.resume();
      socket.terminate();
    });
    socket.on('open', () => {
      keepAlive = setInterval(() => socket.send(keepAliveMessage), options.keepAliveMs ?? 4 * 60_000);
      keepAlive.unref();
      handlers.onOpen();
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      handlers.onMessage(text);
    });
    // Every failure (refused, reset, timed out, rejected) is followed by 'close', handled there.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (ended) return;
      ended = true;
      clearInterval(keepAlive);
      handlers.onClose(rejectedStatus);
    });

    return {
      send: (text) => socket.send(text),
      close: () => (socket.readyState === WebSocket.OPEN ? socket.close(1000) : socket.terminate()),
    };
  };
}
