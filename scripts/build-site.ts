import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPinPage } from '../web/pin/build.ts';
import { buildConsole } from '../web/console/build.ts';
import { buildApplet } from '../applet/build.ts';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const defaultSiteDirectory = path.join(repositoryRoot, 'dist', 'site');

/**
 * Builds everything the site serves into one folder: the PIN page at `/`, the
 * console at `/console/`, the applet at `/applet/`. The local runtime serves
 * this folder; the CDK stack uploads it to S3.
 */
export async function buildSite(outDir: string = defaultSiteDirectory): Promise<string> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await Promise.all([buildPinPage(outDir), buildConsole(outDir), buildApplet(outDir)]);
  return outDir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = await buildSite(process.argv[2] ? path.resolve(process.argv[2]) : defaultSiteDirectory);
  console.log(`site built in ${path.relative(process.cwd(), outDir) || '.'}`);
}
