/*
 * Values the bundler writes into the applet (applet/build.ts defines them).
 * Each is referenced exactly once, so the server-config placeholder occurs once
 * in the bundle and the server's replacement cannot miss a copy. Run from
 * source (tsx), the names are undefined and the fallbacks apply.
 */
declare const __APPLET_BAKED_SERVER_CONFIG__: string;
declare const __APPLET_VERSION__: string;

/** The base64 server config the download carries, or the placeholder if nobody replaced it. */
export function bakedServerConfigText(): string | undefined {
  try {
    return __APPLET_BAKED_SERVER_CONFIG__;
  } catch {
    return undefined;
  }
}

export function appletVersion(): string {
  try {
    return __APPLET_VERSION__;
  } catch {
    return '0.0.0-source';
  }
}
