import { Worker } from 'node:worker_threads';
import type { LambdaHandler } from './lambda-invoker.ts';

/**
 * Runs each handler the way Lambda runs each function: alone, with its own
 * module state and exactly its own environment. One worker thread per handler,
 * started on its first call (a cold start) and reused while it lives; a worker
 * that dies is replaced on the next call. Nothing a handler was not given
 * reaches it: no other handler's secrets, no table name it does not need.
 */
export interface SandboxedHandlerOptions {
  readonly name: string;
  /** Repository root: entry is relative to it. */
  readonly root: string;
  readonly entry: string;
  /** The function's whole process.env inside its sandbox; read at each cold start. */
  readonly environment: () => Readonly<Record<string, string>>;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

type Reply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

const workerScript = new URL('./handler-worker.mjs', import.meta.url);

export class HandlerSandbox {
  readonly #options: SandboxedHandlerOptions;
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  constructor(options: SandboxedHandlerOptions) {
    this.#options = options;
  }

  readonly handler: LambdaHandler = (event, context) => this.invoke(event, context.getRemainingTimeInMillis());

  invoke(event: unknown, timeoutMs: number): Promise<unknown> {
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, event, timeoutMs });
    });
  }

  /** Ends the sandbox; calls still waiting fail. */
  async stop(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await worker.terminate();
    this.#failPending(new Error(`${this.#options.name} was stopped`));
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const { name, root, entry, environment } = this.#options;
    const worker = new Worker(workerScript, { env: { ...environment() }, workerData: { name, root, entry }, name: `handler ${name}` });
    // A handler waiting on nothing must not keep `npm start` or a test process alive.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name, stack: reply.error.stack }));
    });
    const lost = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#failPending(error);
    };
    worker.on('error', (error) => lost(error));
    worker.on('exit', (code) => lost(new Error(`${name}'s sandbox exited (code ${code})`)));
    this.#worker = worker;
    return worker;
  }

  #failPending(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
