import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Small request/response helpers shared by the local gateway's parts. */

export class PayloadTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
  }
}

/** The client hung up before its whole body arrived: nobody is left to answer, and nothing is wrong with the server. */
export class RequestAbortedError extends Error {
  constructor(
    readonly receivedBytes: number,
    readonly declaredBytes: number | undefined,
  ) {
    super(
      `the client closed the connection before the whole request body arrived (${receivedBytes}${declaredBytes === undefined ? '' : ` of ${declaredBytes}`} bytes)`,
    );
  }
}

/** Reads the whole body, failing fast (without buffering the rest) once it passes limitBytes. */
export async function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limitBytes) throw new PayloadTooLargeError(limitBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    if (request.destroyed && !request.complete && !(error instanceof PayloadTooLargeError)) {
      throw new RequestAbortedError(size, Number.isFinite(declared) ? declared : undefined);
    }
    throw error;
  }
  return Buffer.concat(chunks);
}

export function sendJson(response: ServerResponse, statusCode: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** The product's error shape: `{"error": {"code", "message"}}`, never a stack trace. */
export function sendError(
  response: ServerResponse,
  statusCode: number,
  code: string,
  message: string,
  headers: OutgoingHttpHeaders = {},
): void {
  sendJson(response, statusCode, { error: { code, message } }, headers);
}

/** Ends a response whose request body we refuse, without reading the rest of it. */
export function sendPayloadTooLarge(response: ServerResponse, limitBytes: number): void {
  sendError(response, 413, 'payload_too_large', `The request body must not exceed ${limitBytes} bytes.`, { connection: 'close' });
}

/** Header values as API Gateway passes them: names lowercased, repeated headers joined with commas. */
export function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

export function sourceIp(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export function isLoopback(request: IncomingMessage): boolean {
  const ip = sourceIp(request);
  return ip === '::1' || ip.startsWith('127.');
}

/** API Gateway's `requestContext.time` format: 12/Mar/2020:19:03:58 +0000. */
export function apiGatewayTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
