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

/**
 * The native apps carry a slot of fixed length instead: the config is written
 * into the finished executable byte for byte, so the file keeps its size and
 * its structure (the SEA blob's lengths stay right) and can be signed after.
 * Padding is spaces, which base64 never contains.
 */
export const APP_CONFIG_SLOT_LENGTH = 1024;

export function appConfigSlot(): string {
  return APPLET_CONFIG_PLACEHOLDER.padEnd(APP_CONFIG_SLOT_LENGTH, ' ');
}

/**
 * Writes the server config into a built app's slot and returns the new bytes.
 * The slot must occur exactly once: anything else is not one of our builds.
 */
export function writeServerConfigIntoApp(executable: Buffer, config: AppletServerConfig): Buffer {
  const slot = Buffer.from(appConfigSlot(), 'latin1');
  const at = executable.indexOf(slot);
  if (at < 0) throw new Error('the executable has no empty server-config slot; was it built by build:apps, or configured already?');
  if (executable.indexOf(slot, at + 1) >= 0) throw new Error('the executable has more than one server-config slot');
  const encoded = encodeServerConfig(config);
  if (encoded.length > APP_CONFIG_SLOT_LENGTH)
    throw new Error(`the server config is too long for the app's slot (${encoded.length} > ${APP_CONFIG_SLOT_LENGTH} characters)`);
  const configured = Buffer.from(executable);
  configured.write(encoded.padEnd(APP_CONFIG_SLOT_LENGTH, ' '), at, 'latin1');
  return configured;
}

// The download naming scheme is shared with the server, which names each download from the ticket.
export { appletFileName, downloadSuffix, ticketFromFileName } from '../contracts/downloads.ts';

/**
 * Reads back what the server baked in. Anything else (the untouched
 * placeholder, a damaged copy) is `undefined`: the applet then needs --server.
 */
export function decodeServerConfig(slotText: string): AppletServerConfig | undefined {
  const encoded = slotText.trim();
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
