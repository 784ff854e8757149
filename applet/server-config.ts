/**
 * How the applet knows the server it came from without being told: its bundle
 * carries this placeholder, which the server that hands out the file (the local
 * runtime at download time, the CDK stack at deploy time) replaces with the
 * base64 of an AppletServerConfig JSON. Base64 keeps the replacement free of
 * quoting problems inside the JavaScript string literal.
 */
export const APPLET_CONFIG_PLACEHOLDER = '__REMOTE_SUPPORT_SERVER_CONFIG__';

export interface AppletServerConfig {
  /** Origin of the HTTP API and site, e.g. http://127.0.0.1:3000 or https://support.example.com */
  readonly httpOrigin: string;
  /** WebSocket API URL, e.g. ws://127.0.0.1:3000/ws or wss://abc.execute-api.eu-central-1.amazonaws.com/prod */
  readonly webSocketUrl: string;
}

export function encodeServerConfig(config: AppletServerConfig): string {
  return Buffer.from(JSON.stringify(config), 'utf8').toString('base64');
}

/** Bakes the server config into a built applet bundle. */
export function embedServerConfig(bundle: string, config: AppletServerConfig): string {
  if (!bundle.includes(APPLET_CONFIG_PLACEHOLDER)) {
    throw new Error('applet bundle has no server-config placeholder; was it built from applet/?');
  }
  return bundle.split(APPLET_CONFIG_PLACEHOLDER).join(encodeServerConfig(config));
}

/** The file name a downloaded applet carries: the ticket is read back from it. */
export function appletFileName(prefix: string, ticket: string): string {
  return `${prefix}_${ticket}.cjs`;
}

/** Finds the ticket in an applet file name, tolerating browser suffixes like " (1)". */
export function ticketFromFileName(fileName: string): string | undefined {
  const match = /_([A-Za-z0-9_-]{22,64}?)(?: ?\(\d+\))?\.c?js$/.exec(fileName);
  return match?.[1];
}

/**
 * Reads back what the server baked in. Anything else (the untouched
 * placeholder, a damaged copy) is `undefined`: the applet then needs --server.
 */
export function decodeServerConfig(encoded: string): AppletServerConfig | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { httpOrigin, webSocketUrl } = parsed as Record<string, unknown>;
    if (!isUrlWithScheme(httpOrigin, ['http:', 'https:']) || !isUrlWithScheme(webSocketUrl, ['ws:', 'wss:'])) return undefined;
    return { httpOrigin, webSocketUrl };
  } catch {
    return undefined;
  }
}

/** The WebSocket URL of a server that serves `/ws` on its own origin (the local runtime). */
export function webSocketUrlForOrigin(httpOrigin: string): string {
  const url = new URL(httpOrigin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

function isUrlWithScheme(value: unknown, schemes: readonly string[]): value is string {
  if (typeof value !== 'string') return false;
  try {
    return schemes.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
