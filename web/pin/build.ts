import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { renderPinPageHtml, type PinPageAssets } from './html.ts';
import { en } from './strings/en.ts';

const sourceDirectory = path.dirname(fileURLToPath(import.meta.url));

/** Browsers the bundle must run in: evergreen, plus the Safari still on older iPhones. */
const browserTargets = ['chrome100', 'firefox100', 'safari15', 'edge100'];

export interface BuiltPinPage {
  /** Site-root paths, e.g. /pin.3f9a1c2b7d.js */
  readonly assets: PinPageAssets;
  /** Every file written, relative to the output directory. */
  readonly files: readonly string[];
}

/** Content-hashed names let CloudFront cache the assets forever while index.html stays fresh. */
function hashedName(extension: string, content: string | Uint8Array): string {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 10);
  return `pin.${hash}.${extension}`;
}

async function bundle(entryPoint: string, loader: 'ts' | 'css'): Promise<string> {
  const result = await build({
    entryPoints: [path.join(sourceDirectory, entryPoint)],
    bundle: true,
    minify: true,
    write: false,
    format: loader === 'ts' ? 'esm' : undefined,
    target: browserTargets,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced nothing for ${entryPoint}`);
  return output.text;
}

/**
 * Builds the customer's PIN page into `${outDir}/index.html` plus its assets
 * at the site root as `/pin.<hash>.{js,css,svg}`, names that cannot clash
 * with /console/ or /applet/.
 */
export async function buildPinPage(outDir: string): Promise<BuiltPinPage> {
  await mkdir(outDir, { recursive: true });
  const [script, style, icon] = await Promise.all([
    bundle('main.ts', 'ts'),
    bundle('pin.css', 'css'),
    readFile(path.join(sourceDirectory, 'pin.svg'), 'utf8'),
  ]);
  const names = { script: hashedName('js', script), style: hashedName('css', style), icon: hashedName('svg', icon) };
  const html = renderPinPageHtml({ script: `/${names.script}`, style: `/${names.style}`, icon: `/${names.icon}` }, en);
  await Promise.all([
    writeFile(path.join(outDir, names.script), script),
    writeFile(path.join(outDir, names.style), style),
    writeFile(path.join(outDir, names.icon), icon),
    writeFile(path.join(outDir, 'index.html'), html),
  ]);
  return {
    assets: { script: `/${names.script}`, style: `/${names.style}`, icon: `/${names.icon}` },
    files: ['index.html', names.script, names.style, names.icon],
  };
}
