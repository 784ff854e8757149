import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { systemClock } from '#domain/clock';
import { environmentVariables, loadConfig } from '#domain/config';
import type { Dependencies, SessionStore } from '#domain/dependencies';
import { staticIceServers, type IceServerProvider } from '#domain/ice-servers';
import { PermissionService } from '#domain/permissions';
import { kinesisIceServers } from './kinesis-ice-servers.ts';
import { tableFromEnvironment, type Table } from '#storage/dynamo-client';
import { DynamoStore } from '#storage/dynamo-store';
import { ConnectionsNotifier } from './connections-notifier.ts';
import { logger } from './logger.ts';
import { pinSecretLoader } from './secret-loaders.ts';

let built: Dependencies | undefined;
let builtTable: Table | undefined;

function iceServersFromEnvironment(env: NodeJS.ProcessEnv): IceServerProvider {
  const channels = (env[environmentVariables.signalingChannelArns] ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter(Boolean);
  if (channels.length > 0) return kinesisIceServers(channels, env.AWS_REGION);
  return staticIceServers(env[environmentVariables.iceServers], env[environmentVariables.iceTransportPolicy]);
}

/**
 * The handlers' dependencies, built once per cold start from the environment
 * (SDK clients at module scope, never per request).
 */
export function dependencies(): Dependencies {
  if (built) return built;
  const config = loadConfig();
  const table = tableFromEnvironment();
  const store: SessionStore = new DynamoStore(table);
  const managementClient = new ApiGatewayManagementApiClient({
    endpoint: process.env[environmentVariables.managementEndpoint],
    maxAttempts: 2,
  });
  const created: Dependencies = {
    store,
    config,
    clock: systemClock,
    notifier: new ConnectionsNotifier(managementClient, store, logger, systemClock),
    permissions: new PermissionService(table, config.permissionCacheSeconds),
    pinSecret: pinSecretLoader(),
    logger,
    iceServers: iceServersFromEnvironment(process.env),
  };
  built = created;
  builtTable = table;
  return created;
}

/** The table the handlers' dependencies were built on, for what reads it outside the store (the local technician directory). */
export function handlerTable(): Table {
  dependencies();
  return builtTable!;
}
