import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { environmentVariables, loadConfig } from '#domain/config';
import { createDocumentClient, type Table } from '#storage/dynamo-client';
import { getLocalTechnician, listLocalTechnicians, seedTechnicians } from '#storage/directory';
import { getIntegrationClient } from '#storage/clients';
import { httpRoutes, scheduledJobs, webSocketAuthorizer, webSocketRoutes } from '#routes';
import { buildSite, defaultSiteDirectory, repositoryRoot } from '../scripts/build-site.ts';
import { createTable, seedDirectory } from './create-table.ts';
import { dynamoDbLocalClientConfig, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { startGatewayServer, type GatewayServer } from './gateway-server.ts';
import { startLocalIntegrations, type LocalIntegrations } from './integrations.ts';
import { consoleLogger, lazyEntryHandler, type Logger } from './lambda-invoker.ts';
import { startSweeper, type Sweeper } from './sweeper.ts';

/**
 * The whole product on one machine: DynamoDB Local, the table and its seed,
 * the handler environment, the gateway server with the real route table, and
 * the sweeper. Used by `npm start` (local/main.ts) and, in-process, by tests.
 */
export interface LocalRuntimeOptions {
  /** Default 3000; 0 picks a free port. */
  readonly port?: number;
  /** Persist DynamoDB Local's data in this folder instead of in memory. */
  readonly dataDirectory?: string;
  /** Use this DynamoDB (e.g. the integration tests' shared instance) instead of starting one; it is not stopped. */
  readonly dynamoDbEndpoint?: string;
  /** Default remote-support. */
  readonly tableName?: string;
  /** Default 15. */
  readonly sweepIntervalSeconds?: number;
  /** Where the site is built and served from; default dist/site. Tests give each runtime its own folder. */
  readonly siteDirectory?: string;
  /** Default true: build the site before serving it. */
  readonly buildSite?: boolean;
  readonly log?: Logger;
  /** Called when the DynamoDB Local this runtime started dies while the runtime is up (it cannot serve without it). */
  readonly onDynamoDbExit?: () => void;
}

export interface LocalRuntime {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** ws://127.0.0.1:<port>/ws */
  readonly webSocketUrl: string;
  readonly table: Table;
  readonly dynamoDb: { readonly endpoint: string; readonly pid?: number; readonly startMilliseconds?: number };
  readonly gateway: GatewayServer;
  readonly sweeper: Sweeper;
  /** The EventBridge stand-in (events received) and the stream reader feeding the stream consumers. */
  readonly integrations: LocalIntegrations;
  /** Milliseconds from the call to ready. */
  readonly startMilliseconds: number;
  /** Closes sockets ($disconnect runs), the server, the sweeper, then DynamoDB Local. Idempotent. */
  stop(): Promise<void>;
}

/** The tunables of lambdas/domain/config.ts a user may set; the handlers read them from this process's environment. */
export function tunablesInEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const infrastructure = new Set<string>([
    environmentVariables.tableName,
    environmentVariables.dynamoDbEndpoint,
    environmentVariables.managementEndpoint,
    environmentVariables.pinSecret,
    environmentVariables.pinSecretArn,
    environmentVariables.jwtIssuer,
    environmentVariables.jwtAudience,
  ]);
  const set: Record<string, string> = {};
  for (const name of Object.values(environmentVariables)) {
    const value = env[name];
    if (!infrastructure.has(name) && value !== undefined && value !== '') set[name] = value;
  }
  return set;
}

/** buildSite() empties its folder first: only let it do that to a folder that holds a site or nothing. */
async function refuseToWipe(directory: string): Promise<void> {
  const entries = await readdir(directory).catch(() => [] as string[]);
  if (entries.length > 0 && !entries.includes('index.html')) {
    throw new Error(`${directory} is not empty and holds no built site; refusing to build the site there (it would be emptied)`);
  }
}

function sweepInterval(options: LocalRuntimeOptions): number {
  const raw = options.sweepIntervalSeconds ?? (process.env.SWEEP_INTERVAL_SECONDS ? Number(process.env.SWEEP_INTERVAL_SECONDS) : 15);
  if (!Number.isFinite(raw) || raw <= 0) throw new Error(`SWEEP_INTERVAL_SECONDS must be a positive number, got "${String(raw)}"`);
  return raw;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const startedAt = performance.now();
  const log = options.log ?? consoleLogger;
  const tableName = options.tableName ?? 'remote-support';
  const sweepSeconds = sweepInterval(options);
  // Fail before starting anything when a tunable is out of range; the handlers would fail on every call.
  const appletFilePrefix = loadConfig(process.env).appletFilePrefix;
  const siteDirectory = path.resolve(options.siteDirectory ?? defaultSiteDirectory);

  const siteBuilt = (async () => {
    if (options.buildSite === false) return;
    await refuseToWipe(siteDirectory);
    const buildStartedAt = performance.now();
    await buildSite(siteDirectory);
    const shown = path.relative(process.cwd(), siteDirectory);
    log.info(`Site built in ${Math.round(performance.now() - buildStartedAt)} ms (${shown.startsWith('..') ? siteDirectory : shown || '.'})`);
  })();
  siteBuilt.catch(() => undefined);

  let dynamoDbLocal: DynamoDbLocal | undefined;
  let gateway: GatewayServer | undefined;
  let sweeper: Sweeper | undefined;
  let integrations: LocalIntegrations | undefined;
  let rawClient: DynamoDBClient | undefined;
  let table: Table | undefined;

  let stopRequested = false;
  const stopAll = async () => {
    stopRequested = true;
    await sweeper?.stop();
    await gateway?.close();
    await integrations?.stop();
    table?.client.destroy();
    rawClient?.destroy();
    await dynamoDbLocal?.stop();
  };

  try {
    let endpoint = options.dynamoDbEndpoint;
    if (!endpoint) {
      dynamoDbLocal = await startDynamoDbLocal({ dataDirectory: options.dataDirectory });
      endpoint = dynamoDbLocal.endpoint;
      // Like a managed database coming back after a fault: a Java process that dies is restarted on the
      // same port, so the handlers' clients reconnect by themselves; requests meanwhile get 503.
      const supervise = (instance: DynamoDbLocal) => {
        void instance.exited.then(async ({ code, signal }) => {
          if (stopRequested) return;
          log.error(`DynamoDB Local exited unexpectedly (${signal ?? `code ${code}`}); restarting it on port ${instance.port}`);
          for (let attempt = 1; attempt <= 5 && !stopRequested; attempt += 1) {
            try {
              const restarted = await startDynamoDbLocal({ port: instance.port, dataDirectory: options.dataDirectory });
              if (stopRequested) {
                await restarted.stop();
                return;
              }
              dynamoDbLocal = restarted;
              if (rawClient && table && (await createTable(rawClient, tableName))) {
                await seedDirectory(table);
                log.error('DynamoDB Local ran in memory: its data is gone; the table was created and seeded again (use --data-dir to keep data)');
              }
              log.info(`DynamoDB Local restarted in ${restarted.startMilliseconds} ms (pid ${restarted.pid})`);
              supervise(restarted);
              return;
            } catch (error) {
              log.error(`DynamoDB Local restart ${attempt} failed: ${(error as Error).message}`);
              await new Promise((resolve) => setTimeout(resolve, attempt * 1000));
            }
          }
          if (!stopRequested) options.onDynamoDbExit?.();
        });
      };
      supervise(dynamoDbLocal);
      const storage = options.dataDirectory ? `data in ${options.dataDirectory}` : 'in memory';
      log.info(`DynamoDB Local ready in ${dynamoDbLocal.startMilliseconds} ms (pid ${dynamoDbLocal.pid}, ${storage}, ${endpoint})`);
    }

    // The AWS SDK reads these at client construction; handlers construct their clients at import, which comes later.
    process.env.AWS_REGION = dynamoDbLocalClientConfig.region;
    process.env.AWS_ACCESS_KEY_ID = dynamoDbLocalClientConfig.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = dynamoDbLocalClientConfig.credentials.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;

    rawClient = new DynamoDBClient({ ...dynamoDbLocalClientConfig, endpoint });
    table = { client: createDocumentClient(endpoint), name: tableName };
    if (await createTable(rawClient, tableName)) {
      await seedDirectory(table);
      log.info(`Table ${tableName} created and seeded (${seedTechnicians.map((technician) => technician.username).join(', ')})`);
    } else {
      log.info(`Table ${tableName} already exists; kept its data`);
    }
    const directoryTable = table;
    // Reading the stream from before the gateway listens: no write of a request goes unpublished.
    integrations = await startLocalIntegrations({ rawClient, endpoint, table, repositoryRoot, log });

    await siteBuilt;
    gateway = await startGatewayServer({
      port: options.port ?? 3000,
      httpRoutes: httpRoutes.map((route) => ({ ...route, handler: lazyEntryHandler(repositoryRoot, route.entry) })),
      webSocketAuthorizer: { name: webSocketAuthorizer.name, handler: lazyEntryHandler(repositoryRoot, webSocketAuthorizer.entry) },
      webSocketRoutes: webSocketRoutes.map((route) => ({ ...route, handler: lazyEntryHandler(repositoryRoot, route.entry) })),
      findTechnician: (username) => getLocalTechnician(directoryTable, username),
      listTechnicians: () => listLocalTechnicians(directoryTable),
      findClient: (clientId) => getIntegrationClient(directoryTable, clientId),
      siteDirectory,
      appletFilePrefix,
      jwtAudience: 'local-console',
      log,
    });

    // Set before the first request can import a handler: handlers read their environment once, at import.
    const env = environmentVariables;
    process.env[env.tableName] = tableName;
    process.env[env.dynamoDbEndpoint] = endpoint;
    process.env[env.managementEndpoint] = gateway.managementEndpoint;
    process.env[env.pinSecret] ||= randomBytes(32).toString('hex');
    process.env[env.jwtIssuer] = gateway.jwtIssuer;
    process.env[env.jwtAudience] = gateway.jwtAudience;
    const tunables = tunablesInEnvironment();
    if (Object.keys(tunables).length > 0) {
      log.info(`Tunables from the environment: ${Object.entries(tunables).map(([name, value]) => `${name}=${value}`).join(' ')}`);
    }

    sweeper = startSweeper({
      jobs: scheduledJobs.map((job) => ({ name: job.name, handler: lazyEntryHandler(repositoryRoot, job.entry) })),
      intervalMs: sweepSeconds * 1000,
      log,
    });
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    url: gateway.url,
    port: gateway.port,
    webSocketUrl: gateway.webSocketUrl,
    table,
    dynamoDb: { endpoint: process.env[environmentVariables.dynamoDbEndpoint] ?? '', pid: dynamoDbLocal?.pid, startMilliseconds: dynamoDbLocal?.startMilliseconds },
    gateway,
    sweeper,
    integrations,
    startMilliseconds: Math.round(performance.now() - startedAt),
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
}
