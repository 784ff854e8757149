import { randomUUID } from 'node:crypto';
import { seedTechnicians } from '#storage/directory';
import { connectMethodArn } from '../local/gateway-events.ts';

/** API Gateway event shapes, as the local gateway builds them, for calling handlers in-process. */

const alice = seedTechnicians.find((technician) => technician.username === 'alice')!;

/** The claims API Gateway's JWT authorizer hands over (arrays flattened to "[a b]"). */
export const aliceClaims = {
  sub: alice.sub,
  'cognito:username': alice.username,
  name: alice.displayName,
  'cognito:groups': `[${alice.groups.join(' ')}]`,
  token_use: 'id',
};

export function httpEvent(options: {
  method: string;
  path: string;
  routeKey: string;
  pathParameters?: Record<string, string>;
  body?: unknown;
  technician?: boolean;
  headers?: Record<string, string>;
}) {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath: options.path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'user-agent': 'bench', ...(options.headers ?? {}) },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method: options.method, path: options.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: randomUUID(),
      routeKey: options.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(options.technician === false ? {} : { authorizer: { jwt: { claims: aliceClaims, scopes: null } } }),
    },
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    isBase64Encoded: false,
  };
}

export function authorizerEvent(query: Record<string, string>) {
  return {
    type: 'REQUEST',
    methodArn: connectMethodArn,
    queryStringParameters: query,
    headers: {},
    requestContext: { connectionId: randomUUID() },
  };
}

export function connectEvent(connectionId: string, authorizer: Record<string, string>) {
  return {
    requestContext: {
      routeKey: '$connect',
      eventType: 'CONNECT',
      connectionId,
      authorizer,
      identity: { sourceIp: '127.0.0.1' },
      requestId: randomUUID(),
      stage: '$default',
      apiId: 'local',
      domainName: '127.0.0.1',
      connectedAt: Date.now(),
      requestTimeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  };
}
