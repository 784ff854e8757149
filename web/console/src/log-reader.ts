import type { LogSince } from './api.ts';

export interface LogReaderOptions {
  /** Reads the entries stored after `cursor` (all of them without one). */
  readonly read: (id: string, cursor: string | undefined) => Promise<LogSince>;
  /** The cursor the console holds for the session now. */
  readonly cursorOf: (id: string) => string | undefined;
  readonly received: (id: string, cursor: string | undefined, since: LogSince) => void;
  readonly failed: (id: string, error: unknown) => void;
  readonly schedule?: (callback: () => void, milliseconds: number) => unknown;
  readonly cancel?: (handle: unknown) => void;
}

/**
 * Follows the logs of the open sessions: an event asks for a read, a burst of
 * events causes one, each read starts at the cursor the console holds, and at
 * most one read per session is in flight (a request meanwhile reads again
 * afterwards, from the cursor that read left).
 */
export class LogReader {
  readonly #timers = new Map<string, unknown>();
  readonly #reading = new Set<string>();
  readonly #readAgain = new Set<string>();
  readonly #schedule: (callback: () => void, milliseconds: number) => unknown;
  readonly #cancel: (handle: unknown) => void;
  #stopped = false;

  constructor(private readonly options: LogReaderOptions) {
    this.#schedule = options.schedule ?? ((callback, milliseconds) => setTimeout(callback, milliseconds));
    this.#cancel = options.cancel ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  /** Reads what is new in the session's log after `delay` ms, unless another request comes first. */
  request(id: string, delay = 300): void {
    if (this.#stopped) return;
    const existing = this.#timers.get(id);
    if (existing !== undefined) this.#cancel(existing);
    this.#timers.set(
      id,
      this.#schedule(() => {
        this.#timers.delete(id);
        void this.#read(id);
      }, delay),
    );
  }

  /** Forgets a pending request (the tab was closed); a read in flight still answers. */
  drop(id: string): void {
    const existing = this.#timers.get(id);
    if (existing !== undefined) this.#cancel(existing);
    this.#timers.delete(id);
    this.#readAgain.delete(id);
  }

  stop(): void {
    this.#stopped = true;
    for (const id of [...this.#timers.keys()]) this.drop(id);
  }

  async #read(id: string): Promise<void> {
    if (this.#reading.has(id)) {
      this.#readAgain.add(id);
      return;
    }
    this.#reading.add(id);
    const cursor = this.options.cursorOf(id);
    try {
      const since = await this.options.read(id, cursor);
      if (!this.#stopped) this.options.received(id, cursor, since);
    } catch (error) {
      if (!this.#stopped) this.options.failed(id, error);
    } finally {
      this.#reading.delete(id);
      if (this.#readAgain.delete(id)) this.request(id, 0);
    }
  }
}
