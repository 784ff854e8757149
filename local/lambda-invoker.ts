import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

/**
 * Runs Lambda handlers in-process, the way the Lambda service would call them:
 * `handler(event, context)`, awaited, with a context that has the fields
 * handlers actually read. Handlers are imported lazily, on first use, so the
 * process environment is complete before any handler module initialises
 * (they read it once per "cold start", at import) and a handler that does not
 * load only breaks its own route.
 */
export type LambdaHandler = (event: never, context: Context) => unknown;

/** What the local gateways need from a handler: a name for logs and a way to call it. */
export interface BoundHandler {
  readonly name: string;
  readonly handler: LambdaHandler;
}

export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (message) => console.log(message),
  error: (message, error) => (error === undefined ? console.error(message) : console.error(message, error)),
};

export const silentLogger: Logger = { info: () => undefined, error: () => undefined };

export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export class HandlerTimeoutError extends Error {
  constructor(name: string, timeoutMs: number) {
    super(`${name} did not finish within ${timeoutMs} ms`);
  }
}

/** Calls a handler with a fresh context; rejects when it throws or exceeds timeoutMs. */
export async function invokeHandler(bound: BoundHandler, event: unknown, timeoutMs = 30_000): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HandlerTimeoutError(bound.name, timeoutMs)), timeoutMs);
  });
  try {
    const call = (async () => bound.handler(event as never, lambdaContext(bound.name, timeoutMs)))();
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A handler that imports `<root>/<entry>` on first call and reuses it. A failed
 * import is not cached: fix the file and the next request loads it.
 */
export function lazyEntryHandler(root: string, entry: string): LambdaHandler {
  let loaded: Promise<LambdaHandler> | undefined;
  const load = (): Promise<LambdaHandler> => {
    const url = pathToFileURL(path.join(root, entry)).href;
    loaded ??= import(url).then(
      (module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function') throw new Error(`${entry} does not export a handler function`);
        return module.handler as LambdaHandler;
      },
      (error: unknown) => {
        // The usual case while a handler is still being written: say so in one line instead of a resolver stack.
        const missing = error as { code?: string; url?: string; message?: string };
        const aboutThisFile = missing.url === url || String(missing.message).includes(url);
        if ((missing.code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module/.test(String(missing.message))) && aboutThisFile) {
          throw new Error(`handler module ${entry} does not exist (yet)`);
        }
        throw error;
      },
    );
    loaded.catch(() => {
      loaded = undefined;
    });
    return loaded;
  };
  return async (event, context) => (await load())(event, context);
}
