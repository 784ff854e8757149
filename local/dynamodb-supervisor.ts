import { runCredentials, type RunCredentials } from './dynamodb-credentials.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import type { Logger } from './lambda-invoker.ts';

export interface DynamoDbSupervisorOptions {
  /** Persist the data in this folder instead of in memory; the run's key is kept there too. */
  readonly dataDirectory?: string;
  readonly log: Logger;
  /** After a restart, before requests are served again: an in-memory database comes back empty. */
  readonly onRestarted: () => Promise<void>;
  /** Every restart attempt failed: the runtime cannot serve without its database. */
  readonly onGaveUp?: () => void;
}

const restartAttempts = 5;

/**
 * The DynamoDB Local the runtime owns: started under a random access key of
 * its own, restarted on the same port when the Java process dies (like a
 * managed database coming back after a fault: the handlers' clients reconnect
 * by themselves, requests meanwhile fail), and stopped with its credentials
 * file. Java itself dies with this process (dynamodb-local.ts watches it).
 */
export class DynamoDbSupervisor {
  readonly #options: DynamoDbSupervisorOptions;
  readonly #credentials: RunCredentials;
  #current: DynamoDbLocal;
  #stopRequested = false;

  private constructor(options: DynamoDbSupervisorOptions, credentials: RunCredentials, first: DynamoDbLocal) {
    this.#options = options;
    this.#credentials = credentials;
    this.#current = first;
    this.#supervise(first);
  }

  static async start(options: DynamoDbSupervisorOptions): Promise<DynamoDbSupervisor> {
    const credentials = await runCredentials(options.dataDirectory);
    try {
      const first = await startDynamoDbLocal({ dataDirectory: options.dataDirectory, credentials: credentials.credentials });
      return new DynamoDbSupervisor(options, credentials, first);
    } catch (error) {
      await credentials.discard();
      throw error;
    }
  }

  get endpoint(): string {
    return this.#current.endpoint;
  }

  /** The Java process serving now (a restart changes it). */
  get instance(): DynamoDbLocal {
    return this.#current;
  }

  get credentials(): RunCredentials['credentials'] {
    return this.#credentials.credentials;
  }

  /** The mode-600 file with endpoint, table and the run's key (for the admin CLI). */
  get credentialsFile(): string {
    return this.#credentials.file;
  }

  publish(endpoint: string, tableName: string): Promise<void> {
    return this.#credentials.publish(endpoint, tableName);
  }

  async stop(): Promise<void> {
    this.#stopRequested = true;
    await this.#current.stop();
    await this.#credentials.discard();
  }

  #supervise(instance: DynamoDbLocal): void {
    void instance.exited.then(async ({ code, signal }) => {
      if (this.#stopRequested) return;
      const { log } = this.#options;
      log.error(`DynamoDB Local exited unexpectedly (${signal ?? `code ${code}`}); restarting it on port ${instance.port}`);
      for (let attempt = 1; attempt <= restartAttempts && !this.#stopRequested; attempt += 1) {
        try {
          const restarted = await startDynamoDbLocal({
            port: instance.port,
            dataDirectory: this.#options.dataDirectory,
            credentials: this.credentials,
          });
          if (this.#stopRequested) {
            await restarted.stop();
            return;
          }
          this.#current = restarted;
          await this.#options.onRestarted();
          log.info(`DynamoDB Local restarted in ${restarted.startMilliseconds} ms (pid ${restarted.pid})`);
          this.#supervise(restarted);
          return;
        } catch (error) {
          log.error(`DynamoDB Local restart ${attempt} failed: ${(error as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, attempt * 1000));
        }
      }
      if (!this.#stopRequested) this.#options.onGaveUp?.();
    });
  }
}
