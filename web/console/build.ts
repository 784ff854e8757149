import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const sourceDirectory = path.dirname(fileURLToPath(import.meta.url));

/**
 * Builds the technician console into `${outDir}/console/`: index.html, one
 * minified ES module bundle and one stylesheet. No inline script or style, so
 * the page runs under `script-src 'self'; style-src 'self'`.
 */
export async function buildConsole(outDir: string): Promise<void> {
  const dir = path.join(outDir, 'console');
  await mkdir(dir, { recursive: true });
  await Promise.all([
    build({
      entryPoints: [path.join(sourceDirectory, 'src', 'main.ts')],
      outfile: path.join(dir, 'console.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
      minify: true,
      sourcemap: 'linked',
      legalComments: 'none',
      logLevel: 'silent',
    }),
    build({
      entryPoints: [path.join(sourceDirectory, 'styles.css')],
      outfile: path.join(dir, 'console.css'),
      bundle: true,
      minify: true,
      logLevel: 'silent',
    }),
    copyFile(path.join(sourceDirectory, 'index.html'), path.join(dir, 'index.html')),
  ]);
}
