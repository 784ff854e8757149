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
