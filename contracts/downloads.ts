/** Every system the PIN page may offer a download for: the native support apps and the Node.js script. */
export const downloadPlatforms = ['windows-x64', 'macos-arm64', 'macos-x64', 'linux-x64', 'linux-arm64', 'node'] as const;

export type DownloadPlatform = (typeof downloadPlatforms)[number];
