import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IntegrationClient } from '#storage/clients';
import type { LocalTechnician } from '#storage/directory';
import type { SiteConfig } from '../web/shared/site-config.ts';
import type { AppDownloads } from './app-downloads.ts';
import { createAppletDownload } from './applet-download.ts';
import { ConnectionRegistry, connectionsPathPattern, createConnectionsEndpoint } from './connections-endpoint.ts';
import { createDevIdentityProvider, type DevIdentityProvider } from './dev-identity-provider.ts';
import { createHttpGateway, type HttpGatewayRoute } from './http-gateway.ts';
import { sendJson } from './http-io.ts';
import type { BoundHandler, Logger } from './lambda-invoker.ts';
import { createStaticSite, securityHeaders, sendNotFoundPage } from './static-site.ts';
import type { WebSocketLimits } from './websocket-connection.ts';
import { createWebSocketGateway, type WebSocketGatewayOptions, type WebSocketGatewayRoute } from './websocket-gateway.ts';

/**
 * One HTTP server on one origin that plays every AWS front door of the
 * product: the HTTP API (/api), the WebSocket API (/ws) and its @connections
 * endpoint, Cognito (/dev), and CloudFront + S3 (the site, /config.json,
 * /applet downloads). It knows nothing about DynamoDB: handlers and the
 * technician directory are given to it, so tests can run it with tiny
 * throwaway handlers.
 */
export interface GatewayServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly httpRoutes: readonly HttpGatewayRoute[];
  readonly webSocketAuthorizer?: BoundHandler;
  readonly webSocketRoutes: readonly WebSocketGatewayRoute[];
  /** Default API Gateway's: 10 idle minutes, 2 hours at most. */
  readonly webSocketLimits?: WebSocketLimits;
  /** When a connection's credential expires, from its authorizer context; absent = never. */
  readonly webSocketCredentialExpiry?: WebSocketGatewayOptions['credentialExpiresAt'];
  readonly findTechnician: (username: string) => Promise<LocalTechnician | undefined>;
  readonly listTechnicians: () => Promise<readonly LocalTechnician[]>;
  /** Integration clients POST /dev/client-token issues tokens for. */
  readonly findClient?: (clientId: string) => Promise<IntegrationClient | undefined>;
  /** The built site (dist/site). */
  readonly siteDirectory: string;
  /** Default RemoteSupport. */
  readonly appletFilePrefix?: string;
  /** The native apps under /applet/<platform>/ (none: only the Node.js script is served). */
  readonly appDownloads?: AppDownloads;
  /** Default local-console. */
  readonly jwtAudience?: string;
  readonly log: Logger;
  readonly maxBodyBytes?: number;
  readonly handlerTimeoutMs?: number;
  /** Whether a signed @connections call comes from a role holding ManageConnections; omitted = any loopback caller. */
  readonly mayManageConnections?: (request: http.IncomingMessage) => boolean;
}

export interface GatewayServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** ws://127.0.0.1:<port>/ws */
  readonly webSocketUrl: string;
  /** What WEBSOCKET_MANAGEMENT_ENDPOINT must be for handlers to reach @connections. */
  readonly managementEndpoint: string;
  /** http://127.0.0.1:<port>/dev, the `iss` of local tokens; its JWKS is at /.well-known/jwks.json below it. */
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  readonly identity: DevIdentityProvider;
  readonly connections: ConnectionRegistry;
  /** Closes every WebSocket (running `$disconnect`), then the server. */
  close(): Promise<void>;
}

export async function startGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  const host = options.host ?? '127.0.0.1';
  const audience = options.jwtAudience ?? 'local-console';
  const log = options.log;
  let origin = '';
  const webSocketUrl = () => `${origin.replace(/^http/, 'ws')}/ws`;
  const siteHeaders = () => securityHeaders(origin.replace(/^http/, 'ws'));

  const identity = await createDevIdentityProvider({
    issuer: () => `${origin}/dev`,
    audience,
    findTechnician: options.findTechnician,
    listTechnicians: options.listTechnicians,
    findClient: options.findClient,
  });
  const connections = new ConnectionRegistry();
  const connectionsEndpoint = createConnectionsEndpoint(connections, log, options.mayManageConnections);
  const httpGateway = createHttpGateway({
    routes: options.httpRoutes,
    verifyToken: (token) => identity.verify(token),
    log,
    maxBodyBytes: options.maxBodyBytes,
    handlerTimeoutMs: options.handlerTimeoutMs,
  });
  const webSocketGateway = createWebSocketGateway({
    authorizer: options.webSocketAuthorizer,
    routes: options.webSocketRoutes,
    registry: connections,
    log,
    handlerTimeoutMs: options.handlerTimeoutMs,
    limits: options.webSocketLimits,
    credentialExpiresAt: options.webSocketCredentialExpiry,
  });
  const appletDownload = createAppletDownload({
    siteDirectory: options.siteDirectory,
    filePrefix: options.appletFilePrefix ?? 'RemoteSupport',
    serverConfig: () => ({ httpOrigin: origin, webSocketUrl: webSocketUrl() }),
    headers: siteHeaders,
  });
  const staticSite = createStaticSite({ root: options.siteDirectory, headers: siteHeaders });

  const siteConfig = async (): Promise<SiteConfig> => ({
    apiBaseUrl: '/api',
    webSocketUrl: webSocketUrl(),
    auth: {
      mode: 'local',
      tokenUrl: '/dev/token',
      technicians: (await options.listTechnicians()).map(({ username, displayName }) => ({ username, displayName })),
    },
  });

  /** Concatenated, not resolved: a request for `//host/x` must stay a path on this origin. */
  const requestUrl = (request: http.IncomingMessage) =>
    new URL(`http://${host}${(request.url ?? '/').startsWith('/') ? '' : '/'}${request.url ?? '/'}`);

  const dispatch = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const url = requestUrl(request);
    const pathname = url.pathname;
    if (connectionsPathPattern.test(pathname)) return connectionsEndpoint(request, response, pathname);
    if (pathname === '/api' || pathname.startsWith('/api/')) return httpGateway(request, response, url);
    if (pathname.startsWith('/dev/')) {
      if (!(await identity.handle(request, response, pathname)))
        sendJson(response, 404, { error: { code: 'not_found', message: 'No such route.' } });
      return;
    }
    if (pathname === '/config.json' && (request.method === 'GET' || request.method === 'HEAD')) {
      return sendJson(response, 200, await siteConfig(), { ...siteHeaders(), 'cache-control': 'no-store' });
    }
    if (pathname.startsWith('/applet/')) {
      if (await options.appDownloads?.handle(request, response, pathname, siteHeaders())) return;
      return appletDownload(request, response, pathname);
    }
    if (pathname === '/ws') return sendNotFoundPage(response, siteHeaders());
    return staticSite(request, response, pathname);
  };

  const server = http.createServer((request, response) => {
    dispatch(request, response).catch((error: unknown) => {
      log.error(`[gateway] ${request.method} ${request.url} failed:`, error);
      if (!response.headersSent) sendJson(response, 500, { message: 'Internal Server Error' });
      else response.destroy();
    });
  });
  server.on('upgrade', (request: http.IncomingMessage, socket, head: Buffer) => {
    const url = requestUrl(request);
    if (url.pathname !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    void webSocketGateway.handleUpgrade(request, socket, head, url);
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    port,
    webSocketUrl: webSocketUrl(),
    managementEndpoint: origin,
    jwtIssuer: `${origin}/dev`,
    jwtAudience: audience,
    identity,
    connections,
    close() {
      closing ??= (async () => {
        await webSocketGateway.closeAll();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
