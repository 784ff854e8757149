/** Every system the PIN page may offer a download for: the native support apps and the Node.js script. */
export const downloadPlatforms = ['windows-x64', 'macos-arm64', 'macos-x64', 'linux-x64', 'linux-arm64', 'node'] as const;

export type DownloadPlatform = (typeof downloadPlatforms)[number];

export function isDownloadPlatform(value: string): value is DownloadPlatform {
  return (downloadPlatforms as readonly string[]).includes(value);
}

/** The file extension a download for this platform carries. */
export function downloadSuffix(platform: string): string {
  if (platform === 'node') return '.cjs';
  return platform.startsWith('windows-') ? '.exe' : '';
}

/**
 * The file name a downloaded applet carries: the ticket is read back from it.
 * `RemoteSupport_<ticket>.cjs` (the Node.js script), `RemoteSupport_<ticket>.exe`
 * (Windows), `RemoteSupport_<ticket>` (macOS, Linux).
 */
export function appletFileName(prefix: string, ticket: string, platform = 'node'): string {
  return `${prefix}_${ticket}${downloadSuffix(platform)}`;
}

/**
 * Finds the ticket in an applet file name, with or without `.cjs`/`.exe`,
 * tolerating browser suffixes like " (1)" (a second download of the same file).
 */
export function ticketFromFileName(fileName: string): string | undefined {
  const match = /_([A-Za-z0-9_-]{22,64}?)(?: ?\(\d+\))?(?:\.c?js|\.exe)?$/i.exec(fileName);
  return match?.[1];
}
