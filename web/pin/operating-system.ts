import type { DownloadPlatform, PageDownload } from './api.ts';
import type { OperatingSystem } from './i18n.ts';

export const operatingSystems: readonly OperatingSystem[] = ['windows', 'macos', 'linux'];

export interface NavigatorHints {
  readonly userAgent: string;
  readonly userAgentData?: { readonly platform?: string };
}

/**
 * Which run instructions to show first. User-Agent Client Hints where the
 * browser has them, the user agent string otherwise; anything unknown gets
 * Windows, the most common desktop, with the others one click away.
 */
export function detectOperatingSystem(hints: NavigatorHints): OperatingSystem {
  const platform = `${hints.userAgentData?.platform ?? ''} ${hints.userAgent}`;
  if (/windows|win32|win64/i.test(platform)) return 'windows';
  if (/mac ?os|macintosh|mac_powerpc|iphone|ipad/i.test(platform)) return 'macos';
  if (/linux|x11|cros|chrome os|android/i.test(platform)) return 'linux';
  return 'windows';
}

/** The detected system first, then the others in a fixed order. */
export function orderedSystems(detected: OperatingSystem): readonly OperatingSystem[] {
  return [detected, ...operatingSystems.filter((system) => system !== detected)];
}

/**
 * The apps for this browser's system, best first. Architecture comes from the
 * user agent where it tells (Linux on ARM says aarch64); Safari reports every
 * Mac as Intel, so a Mac gets the Apple silicon build first, which all Macs
 * sold since 2021 need, and the Intel build one click away.
 */
export function preferredPlatforms(hints: NavigatorHints): readonly DownloadPlatform[] {
  const system = detectOperatingSystem(hints);
  if (system === 'windows') return ['windows-x64'];
  if (system === 'macos') return ['macos-arm64', 'macos-x64'];
  return /aarch64|arm64|armv8/i.test(`${hints.userAgentData?.platform ?? ''} ${hints.userAgent}`)
    ? ['linux-arm64', 'linux-x64']
    : ['linux-x64', 'linux-arm64'];
}

export function systemOfPlatform(platform: DownloadPlatform): OperatingSystem | undefined {
  if (platform.startsWith('windows-')) return 'windows';
  if (platform.startsWith('macos-')) return 'macos';
  if (platform.startsWith('linux-')) return 'linux';
  return undefined;
}

/**
 * What the page offers first, and the rest on request: the app for this
 * system when the service has one, else the Node.js script (`fallback`, the
 * redeem result's own link), which is always among the others too.
 */
export function chooseDownloads(
  downloads: readonly PageDownload[],
  fallback: PageDownload,
  preferred: readonly DownloadPlatform[],
): { readonly primary: PageDownload; readonly others: readonly PageDownload[] } {
  const primary =
    preferred.map((platform) => downloads.find((download) => download.platform === platform)).find((download) => download !== undefined) ??
    fallback;
  const node = downloads.find((download) => download.platform === 'node') ?? fallback;
  const others = [...downloads.filter((download) => download.platform !== 'node'), node].filter(
    (download) => download.platform !== primary.platform,
  );
  return { primary, others };
}
