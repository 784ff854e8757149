import { decodeServerConfig, ticketFromFileName, webSocketUrlForOrigin, type AppletServerConfig } from '../server-config.ts';
import type { AppletOptions } from './cli.ts';

/**
 * Where to connect: an explicit --ws-url or --server wins (a technician testing
 * a copy against another server), otherwise the config the download carries.
 */
export function resolveServer(options: AppletOptions, bakedConfigText: string | undefined): AppletServerConfig | undefined {
  if (options.webSocketUrl !== undefined) {
    const webSocketUrl = new URL(options.webSocketUrl);
    const httpOrigin = options.server ?? `${webSocketUrl.protocol === 'wss:' ? 'https:' : 'http:'}//${webSocketUrl.host}`;
    return { httpOrigin, webSocketUrl: webSocketUrl.toString() };
  }
  if (options.server !== undefined) {
    return { httpOrigin: new URL(options.server).origin, webSocketUrl: webSocketUrlForOrigin(options.server) };
  }
  return bakedConfigText === undefined ? undefined : decodeServerConfig(bakedConfigText);
}

/** The session ticket: --ticket, else the one in the name this file was saved under. */
export function resolveTicket(options: AppletOptions, scriptPath: string | undefined): string | undefined {
  if (options.ticket !== undefined) return options.ticket;
  if (!scriptPath) return undefined;
  const fileName = scriptPath.split(/[\\/]/).pop() ?? '';
  return ticketFromFileName(fileName);
}

/** `${webSocketUrl}?ticket=<ticket>`, keeping any query the URL already has (e.g. an API stage parameter). */
export function connectUrl(webSocketUrl: string, ticket: string): string {
  const url = new URL(webSocketUrl);
  url.searchParams.set('ticket', ticket);
  return url.toString();
}

/** The host shown to the customer before connecting: who they are about to let in. */
export function displayHost(config: AppletServerConfig): string {
  return new URL(config.httpOrigin).host;
}
