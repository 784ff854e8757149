import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { environmentVariables, loadConfig } from '#domain/config';
import { createDocumentClient, type Table } from '#storage/dynamo-client';
import { getLocalTechnician, listLocalTechnicians, seedTechnicians } from '#storage/directory';
import { getIntegrationClient } from '#storage/clients';
import { httpRoutes, scheduledJobs, streamConsumers, webSocketAuthorizer, webSocketRoutes, type HandlerDeclaration } from '#routes';
import { buildSite, defaultSiteDirectory, repositoryRoot } from '../scripts/build-site.ts';
import { createTable, seedDirectory } from './create-table.ts';
import { dynamoDbLocalClientConfig } from './dynamodb-local.ts';
import { DynamoDbSupervisor } from './dynamodb-supervisor.ts';
import { startGatewayServer, type GatewayServer } from './gateway-server.ts';
import { defaultAppCacheDirectory } from '../applet/native/build-apps.ts';
import type { AppPlatform } from '../applet/native/platforms.ts';
import { prepareAppDownloads, type AppDownloads } from './app-downloads.ts';
import { nodeScriptBytes } from './applet-download.ts';
import { localHandlerEnvironment, type LocalHandlerResources } from './handler-environment.ts';
import { HandlerSandbox } from './handler-sandbox.ts';
import { startLocalIntegrations, type LocalIntegrations } from './integrations.ts';
import { IamGuard, startDynamoDbGuard, type DynamoDbGuard } from './iam-guard.ts';
import { consoleLogger, type LambdaHandler, type Logger } from './lambda-invoker.ts';
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
  /**
   * Native apps to offer: these platforms (built at start when the cache, ~/.cache/pin-remote-support/sea, lacks
   * them; the first linux-x64 build takes about 25 s), or `cached` (what `npm run build:apps`
   * built). Default none: only the Node.js script, the same on every machine.
   */
  readonly apps?: readonly AppPlatform[] | 'cached';
  /** Default ~/.cache/pin-remote-support/sea. */
  readonly appCacheDirectory?: string;
  /** Called when the DynamoDB Local this runtime started dies while the runtime is up (it cannot serve without it). */
  readonly onDynamoDbExit?: () => void;
  /**
   * The route table to serve; default the real one (lambdas/routes.ts). Tests give a deliberately
   * wrong one to prove that a handler declaring too little fails here as it would in AWS.
   */
  readonly routeTable?: LocalRouteTable;
}

export interface LocalRouteTable {
  readonly httpRoutes: typeof httpRoutes;
  readonly webSocketAuthorizer: HandlerDeclaration;
  readonly webSocketRoutes: typeof webSocketRoutes;
  readonly scheduledJobs: typeof scheduledJobs;
}

export interface LocalRuntime {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** ws://127.0.0.1:<port>/ws */
  readonly webSocketUrl: string;
  readonly table: Table;
  readonly dynamoDb: {
    readonly endpoint: string;
    readonly pid?: number;
    readonly startMilliseconds?: number;
    /** The file (mode 600) with the random access key of the DynamoDB Local this runtime started. */
    readonly credentialsFile?: string;
  };
  readonly gateway: GatewayServer;
  readonly sweeper: Sweeper;
  /** The EventBridge stand-in (events received) and the stream reader feeding the stream consumers. */
  readonly integrations: LocalIntegrations;
  /** Milliseconds from the call to ready. */
  readonly startMilliseconds: number;
  /** The whole process.env the named handler runs with (what the stack gives that function, pointed at this runtime). */
  environmentOf(handlerName: string): Readonly<Record<string, string>>;
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
    environmentVariables.originVerifySecret,
    environmentVariables.originVerifySecretArn,
    environmentVariables.jwtIssuer,
    environmentVariables.jwtAudience,
    environmentVariables.allowedOrigins,
    environmentVariables.appletDownloads,
    environmentVariables.signalingChannelArns,
  ]);
  const set: Record<string, string> = {};
  for (const name of Object.values(environmentVariables)) {
    const value = env[name];
    if (!infrastructure.has(name) && value !== undefined && value !== '') set[name] = value;
  }
  return set;
}

/** The start-up line's view of the tunables: a secret's value is never printed, only that it is set. */
export function printableTunables(tunables: Readonly<Record<string, string>>): string {
  return Object.entries(tunables)
    .map(([name, value]) => `${name}=${/SECRET/.test(name) ? '(set, not shown)' : value}`)
    .join(' ');
}

/** A technician's socket ends when the token it connected with expires (epoch seconds from the `$connect` authorizer). */
export function technicianTokenExpiry(context: Readonly<Record<string, unknown>>): number | undefined {
  const expiresAt = Number(context.tokenExpiresAt);
  return context.role === 'technician' && Number.isFinite(expiresAt) && expiresAt > 0 ? expiresAt * 1000 : undefined;
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
    log.info(
      `Site built in ${Math.round(performance.now() - buildStartedAt)} ms (${shown.startsWith('..') ? siteDirectory : shown || '.'})`,
    );
  })();
  siteBuilt.catch(() => undefined);
  let gatewayOrigin: { httpOrigin: string; webSocketUrl: string } | undefined;
  const appsReady = prepareAppDownloads(
    {
      cacheDir: options.appCacheDirectory ?? defaultAppCacheDirectory,
      filePrefix: appletFilePrefix,
      offer: options.apps ?? [],
      log: (line) => log.info(`[apps] ${line}`),
    },
    () => {
      if (!gatewayOrigin) throw new Error('the app download was requested before the server listened');
      return gatewayOrigin;
    },
  );
  appsReady.catch(() => undefined);
  let appDownloads: AppDownloads | undefined;

  let dynamoDb: DynamoDbSupervisor | undefined;
  let gateway: GatewayServer | undefined;
  let sweeper: Sweeper | undefined;
  let integrations: LocalIntegrations | undefined;
  let rawClient: DynamoDBClient | undefined;
  let table: Table | undefined;
  let dynamoDbGuard: DynamoDbGuard | undefined;
  let rawClientEndpoint = '';
  const sandboxes: HandlerSandbox[] = [];
  const routeTable = options.routeTable ?? { httpRoutes, webSocketAuthorizer, webSocketRoutes, scheduledJobs };
  const declarations = [
    ...routeTable.httpRoutes,
    routeTable.webSocketAuthorizer,
    ...routeTable.webSocketRoutes,
    ...routeTable.scheduledJobs,
    ...streamConsumers,
  ];
  let resources: LocalHandlerResources | undefined;
  const environmentOf = (declaration: HandlerDeclaration) => {
    if (!resources) throw new Error(`${declaration.name} was called before the runtime was ready`);
    return localHandlerEnvironment(declaration, resources);
  };
  const sandboxed = (declaration: HandlerDeclaration): LambdaHandler => {
    const sandbox = new HandlerSandbox({
      name: declaration.name,
      root: repositoryRoot,
      entry: declaration.entry,
      environment: () => environmentOf(declaration),
    });
    sandboxes.push(sandbox);
    return sandbox.handler;
  };

  const stopAll = async () => {
    await sweeper?.stop();
    await gateway?.close();
    await integrations?.stop();
    await appDownloads?.close();
    await Promise.all(sandboxes.map((sandbox) => sandbox.stop()));
    await dynamoDbGuard?.close();
    table?.client.destroy();
    rawClient?.destroy();
    await dynamoDb?.stop();
  };

  try {
    let endpoint = options.dynamoDbEndpoint;
    if (!endpoint) {
      dynamoDb = await DynamoDbSupervisor.start({
        dataDirectory: options.dataDirectory,
        log,
        onRestarted: async () => {
          if (rawClient && table && (await createTable(rawClient, tableName))) {
            await seedDirectory(table);
            log.error(
              'DynamoDB Local ran in memory: its data is gone; the table was created and seeded again (use --data-dir to keep data)',
            );
          }
        },
        onGaveUp: options.onDynamoDbExit,
      });
      endpoint = dynamoDb.endpoint;
      const storage = options.dataDirectory ? `data in ${options.dataDirectory}` : 'in memory';
      log.info(`DynamoDB Local ready in ${dynamoDb.instance.startMilliseconds} ms (pid ${dynamoDb.instance.pid}, ${storage}, ${endpoint})`);
    }

    // The AWS SDK reads these at client construction: the runtime's own clients (table setup, directory).
    const credentials = dynamoDb?.credentials ?? { region: dynamoDbLocalClientConfig.region, ...dynamoDbLocalClientConfig.credentials };
    process.env.AWS_REGION = credentials.region;
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;

    const iamGuard = new IamGuard(declarations, tableName, credentials.region);
    // DynamoDB Local picks its database by access key id: the guard forwards every handler's call under the run's key.
    dynamoDbGuard = await startDynamoDbGuard({ guard: iamGuard, upstream: endpoint, upstreamAccessKeyId: credentials.accessKeyId });

    rawClientEndpoint = endpoint;
    rawClient = new DynamoDBClient({ region: credentials.region, credentials, endpoint });
    table = { client: createDocumentClient(endpoint), name: tableName };
    if (await createTable(rawClient, tableName)) {
      await seedDirectory(table);
      log.info(`Table ${tableName} created and seeded (${seedTechnicians.map((technician) => technician.username).join(', ')})`);
    } else {
      log.info(`Table ${tableName} already exists; kept its data`);
    }
    const directoryTable = table;
    await dynamoDb?.publish(endpoint, tableName);
    // Reading the stream from before the gateway listens: no write of a request goes unpublished.
    integrations = await startLocalIntegrations({
      rawClient,
      endpoint,
      credentials,
      table,
      log,
      handlerFor: (consumer) => sandboxed(consumer),
    });

    await siteBuilt;
    appDownloads = await appsReady;
    gateway = await startGatewayServer({
      port: options.port ?? 3000,
      httpRoutes: routeTable.httpRoutes.map((route) => ({ ...route, handler: sandboxed(route) })),
      webSocketAuthorizer: { name: routeTable.webSocketAuthorizer.name, handler: sandboxed(routeTable.webSocketAuthorizer) },
      webSocketRoutes: routeTable.webSocketRoutes.map((route) => ({ ...route, handler: sandboxed(route) })),
      webSocketCredentialExpiry: technicianTokenExpiry,
      mayManageConnections: (request) => iamGuard.mayManageConnections(request),
      findTechnician: (username) => getLocalTechnician(directoryTable, username),
      listTechnicians: () => listLocalTechnicians(directoryTable),
      findClient: (clientId) => getIntegrationClient(directoryTable, clientId),
      siteDirectory,
      appletFilePrefix,
      appDownloads,
      jwtAudience: 'local-console',
      log,
    });

    // Complete before the first request can start a handler: each reads its environment once, at its cold start.
    gatewayOrigin = { httpOrigin: gateway.url, webSocketUrl: gateway.webSocketUrl };
    const scriptBytes = await nodeScriptBytes(siteDirectory, gatewayOrigin);
    const downloads = [...appDownloads.sizes, ...(scriptBytes === undefined ? [] : [{ platform: 'node' as const, bytes: scriptBytes }])];
    log.info(
      `Downloads: ${downloads.map(({ platform }) => platform).join(', ')}${appDownloads.sizes.length === 0 ? ' (no native app: run npm run build:apps first, or start with BUILD_APPS=host)' : ''}`,
    );
    const tunables = tunablesInEnvironment();
    resources = {
      // Like the stack, every handler gets the download sizes redeem lists.
      tunables: { ...tunables, [environmentVariables.appletDownloads]: JSON.stringify(downloads) },
      tableName,
      dynamoDbEndpoint: dynamoDbGuard.endpoint,
      region: dynamoDbLocalClientConfig.region,
      managementEndpoint: gateway.managementEndpoint,
      jwtIssuer: gateway.jwtIssuer,
      jwtAudience: gateway.jwtAudience,
      // Like the stack, which allows only the site's origin: a page elsewhere cannot open the technician socket.
      allowedOrigins: process.env[environmentVariables.allowedOrigins] || [gateway.url, `http://localhost:${gateway.port}`].join(','),
      pinSecret: process.env[environmentVariables.pinSecret] || randomBytes(32).toString('hex'),
      originVerifySecret: randomBytes(24).toString('hex'),
      eventBusName: integrations.eventBus.name,
      integrationVariables: integrations.handlerVariables,
    };
    if (Object.keys(tunables).length > 0) {
      log.info(`Tunables from the environment: ${printableTunables(tunables)}`);
    }

    sweeper = startSweeper({
      jobs: routeTable.scheduledJobs.map((job) => ({ name: job.name, handler: sandboxed(job) })),
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
    dynamoDb: {
      endpoint: rawClientEndpoint,
      pid: dynamoDb?.instance.pid,
      startMilliseconds: dynamoDb?.instance.startMilliseconds,
      credentialsFile: dynamoDb?.credentialsFile,
    },
    gateway,
    sweeper,
    integrations,
    startMilliseconds: Math.round(performance.now() - startedAt),
    environmentOf(handlerName) {
      const declaration = declarations.find((candidate) => candidate.name === handlerName);
      if (!declaration) throw new Error(`the route table declares no handler "${handlerName}"`);
      return environmentOf(declaration);
    },
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
}
