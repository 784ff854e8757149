import { tableEnvironment } from '#storage/dynamo-client';
import { downloadPlatforms, isDownloadPlatform, type DownloadPlatform } from '#contracts/downloads';
/**
 * Every tunable of the service, read from the environment once per cold start.
 * The CDK stack and the local runtime set these variables; the names are the
 * contract between them and the handlers.
 */
export interface ServiceConfig {
  /** Digits in a PIN. 6 in production; tests shrink the space to provoke exhaustion. */
  readonly pinDigits: number;
  readonly pinValiditySeconds: number;
  /** Fresh draws before generate-PIN gives up with 503 pin_space_exhausted. */
  readonly pinMaxDraws: number;
  readonly connectingTimeoutSeconds: number;
  /** 0 = a waiting customer never times out. */
  readonly waitingTimeoutSeconds: number;
  /** Failed redeems one client may make per window before 429. */
  readonly redeemFailuresPerClient: number;
  /**
   * Failed redeems all clients together may make per window before "under attack" mode (one attempt
   * per client key). Never below the per-client budget, so no single client key can reach it alone.
   */
  readonly redeemFailuresGlobal: number;
  readonly redeemFailureWindowSeconds: number;
  /** Seconds a group's permissions are cached in a warm function. */
  readonly permissionCacheSeconds: number;
  /** Name the applet download carries, before the ticket: `<prefix>_<ticket>.cjs`. */
  readonly appletFilePrefix: string;
  /** What the PIN page offers after redeem: the systems there is a download for, and each file's size. */
  readonly appletDownloads: readonly AppletDownloadSize[];
}

export interface AppletDownloadSize {
  readonly platform: DownloadPlatform;
  readonly bytes: number;
}

export const environmentVariables = {
  ...tableEnvironment,
  managementEndpoint: 'WEBSOCKET_MANAGEMENT_ENDPOINT',
  pinSecret: 'PIN_SECRET',
  pinSecretArn: 'PIN_SECRET_ARN',
  jwtIssuer: 'JWT_ISSUER',
  jwtAudience: 'JWT_AUDIENCE',
  pinDigits: 'PIN_DIGITS',
  pinValiditySeconds: 'PIN_VALIDITY_SECONDS',
  pinMaxDraws: 'PIN_MAX_DRAWS',
  connectingTimeoutSeconds: 'CONNECTING_TIMEOUT_SECONDS',
  waitingTimeoutSeconds: 'WAITING_TIMEOUT_SECONDS',
  redeemFailuresPerClient: 'REDEEM_FAILURES_PER_CLIENT',
  redeemFailuresGlobal: 'REDEEM_FAILURES_GLOBAL',
  redeemFailureWindowSeconds: 'REDEEM_FAILURE_WINDOW_SECONDS',
  permissionCacheSeconds: 'PERMISSION_CACHE_SECONDS',
  appletFilePrefix: 'APPLET_FILE_PREFIX',
  /** JSON `[{"platform":"linux-x64","bytes":125045952}, ...]`, written by the stack and the local runtime from the builds they serve. */
  appletDownloads: 'APPLET_DOWNLOADS',
  /** Comma-separated origins a browser may open the WebSocket from; unset = any (local development). */
  allowedOrigins: 'ALLOWED_ORIGINS',
  /** "true" behind CloudFront: count PIN failures by the CloudFront-Viewer-Address header... */
  trustViewerAddress: 'TRUST_CLOUDFRONT_VIEWER_ADDRESS',
  /** ...on requests whose x-origin-verify header carries this secret (CloudFront adds it). */
  originVerifySecret: 'ORIGIN_VERIFY_SECRET',
  originVerifySecretArn: 'ORIGIN_VERIFY_SECRET_ARN',
  /** JSON array of RTCIceServer ({"urls", "username", "credential"}) for screen view where Kinesis Video Streams is not used. */
  iceServers: 'ICE_SERVERS',
  /** "relay" forces screen view through the TURN servers (tests prove that path with it). */
  iceTransportPolicy: 'ICE_TRANSPORT_POLICY',
  /** Comma-separated Kinesis Video Streams signaling channel ARNs whose managed STUN/TURN screen view uses (AWS). */
  signalingChannelArns: 'KVS_SIGNALING_CHANNEL_ARNS',
} as const;

export const defaultConfig: ServiceConfig = {
  pinDigits: 6,
  pinValiditySeconds: 600,
  pinMaxDraws: 8,
  connectingTimeoutSeconds: 600,
  waitingTimeoutSeconds: 3600,
  redeemFailuresPerClient: 10,
  redeemFailuresGlobal: 200,
  redeemFailureWindowSeconds: 600,
  permissionCacheSeconds: 30,
  appletFilePrefix: 'RemoteSupport',
  appletDownloads: [],
};

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: Env = process.env): ServiceConfig {
  const v = environmentVariables;
  const d = defaultConfig;
  const prefix = env[v.appletFilePrefix] ?? d.appletFilePrefix;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,40}$/.test(prefix)) {
    throw new Error(`${v.appletFilePrefix} must be letters, digits and dashes, got "${prefix}"`);
  }
  const redeemFailuresPerClient = integer(env, v.redeemFailuresPerClient, d.redeemFailuresPerClient, 1, 1_000_000);
  const redeemFailuresGlobal = integer(env, v.redeemFailuresGlobal, d.redeemFailuresGlobal, 1, 100_000_000);
  if (redeemFailuresGlobal < redeemFailuresPerClient) {
    throw new Error(
      `${v.redeemFailuresGlobal} (${redeemFailuresGlobal}) must not be below ${v.redeemFailuresPerClient} (${redeemFailuresPerClient}): one client alone could switch on "under attack" mode`,
    );
  }
  return {
    pinDigits: integer(env, v.pinDigits, d.pinDigits, 1, 9),
    pinValiditySeconds: integer(env, v.pinValiditySeconds, d.pinValiditySeconds, 1, 86_400),
    pinMaxDraws: integer(env, v.pinMaxDraws, d.pinMaxDraws, 1, 100),
    connectingTimeoutSeconds: integer(env, v.connectingTimeoutSeconds, d.connectingTimeoutSeconds, 1, 86_400),
    waitingTimeoutSeconds: integer(env, v.waitingTimeoutSeconds, d.waitingTimeoutSeconds, 0, 7 * 86_400),
    redeemFailuresPerClient,
    redeemFailuresGlobal,
    redeemFailureWindowSeconds: integer(env, v.redeemFailureWindowSeconds, d.redeemFailureWindowSeconds, 1, 86_400),
    permissionCacheSeconds: integer(env, v.permissionCacheSeconds, d.permissionCacheSeconds, 0, 3600),
    appletFilePrefix: prefix,
    appletDownloads: appletDownloads(env[v.appletDownloads]),
  };
}

function appletDownloads(raw: string | undefined): readonly AppletDownloadSize[] {
  if (raw === undefined || raw === '') return defaultConfig.appletDownloads;
  const problem = `${environmentVariables.appletDownloads} must be a JSON array of {"platform": one of ${downloadPlatforms.join(', ')}, "bytes": a positive integer}, got ${raw.slice(0, 200)}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(problem);
  }
  if (!Array.isArray(parsed)) throw new Error(problem);
  return parsed.map((entry: unknown) => {
    const { platform, bytes } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (
      typeof platform !== 'string' ||
      !isDownloadPlatform(platform) ||
      typeof bytes !== 'number' ||
      !Number.isInteger(bytes) ||
      bytes <= 0
    )
      throw new Error(problem);
    return { platform, bytes };
  });
}
