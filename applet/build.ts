import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { APPLET_CONFIG_PLACEHOLDER, appConfigSlot } from './server-config.ts';

/** The applet as one CommonJS file, with the server-config placeholder left for the server to fill. */
export const appletBundleName = 'RemoteSupport.cjs';

const appletDirectory = path.dirname(fileURLToPath(import.meta.url));

/**
 * Bundles applet/src/main.ts with `ws` inside into `${outDir}/applet/RemoteSupport.cjs`:
 * one file a customer runs with `node`, needing nothing but Node's built-ins
 * (decision 0200).
 */
export async function buildApplet(outDir: string): Promise<void> {
  await bundleApplet(path.join(outDir, 'applet', appletBundleName), APPLET_CONFIG_PLACEHOLDER);
}

/**
 * The same bundle as the main script of a native app: its server config is a
 * fixed-length slot written into the finished executable (applet/native/).
 */
export async function buildAppMainScript(outfile: string): Promise<void> {
  await bundleApplet(outfile, appConfigSlot());
}

async function bundleApplet(outfile: string, bakedServerConfig: string): Promise<void> {
  const result = await build({
    entryPoints: [path.join(appletDirectory, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Shorter, but names and lines stay as written so a reviewer can read what runs.
    minifySyntax: true,
    legalComments: 'eof',
    banner: {
      js: '#!/usr/bin/env node\n// Remote support applet: connects this computer to a support technician. Run: node <this file> --help',
    },
    define: {
      __APPLET_BAKED_SERVER_CONFIG__: JSON.stringify(bakedServerConfig),
      __APPLET_VERSION__: JSON.stringify(await packageVersion()),
    },
    plugins: [withoutOptionalNativeAddons, nativeAddonsFromSeaAssets],
    metafile: true,
    logLevel: 'silent',
  });

  const externals = Object.values(result.metafile.outputs).flatMap((output) =>
    output.imports.filter((entry) => entry.external).map((entry) => entry.path),
  );
  const foreign = externals.filter((name) => !isBuiltin(name));
  if (foreign.length > 0) {
    throw new Error(`applet bundle would require packages the customer does not have: ${foreign.join(', ')}`);
  }
  const bundle = await readFile(outfile, 'utf8');
  if (bundle.split(APPLET_CONFIG_PLACEHOLDER).length !== 2) {
    throw new Error('applet bundle must contain the server-config placeholder exactly once');
  }
}

/**
 * `ws` tries the optional native add-ons bufferutil and utf-8-validate inside
 * try/catch; resolving them to a module that throws keeps that fallback path
 * and keeps the bundle free of requires the customer could not satisfy.
 */
const withoutOptionalNativeAddons: Plugin = {
  name: 'without-optional-native-addons',
  setup(builder) {
    builder.onResolve({ filter: /^(bufferutil|utf-8-validate)$/ }, (args) => ({ path: args.path, namespace: 'absent-addon' }));
    builder.onLoad({ filter: /.*/, namespace: 'absent-addon' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not bundled`)});`,
      loader: 'js',
    }));
  },
};

const addonLoader = path.join(appletDirectory, 'src', 'native-addons.ts');

/**
 * The WebRTC and screen/input libraries find their `.node` files on disk; in
 * the app they are SEA assets instead (applet/native/native-addons.ts), so
 * their two lookups are replaced by the loader that extracts and dlopens them.
 */
const nativeAddonsFromSeaAssets: Plugin = {
  name: 'native-addons-from-sea-assets',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/binding(\.js)?$/ }, (args) =>
      args.importer.includes(`${path.sep}@roamhq${path.sep}wrtc${path.sep}`) ? { path: 'wrtc', namespace: 'sea-addon' } : undefined,
    );
    builder.onResolve({ filter: /^node-gyp-build$/ }, (args) =>
      args.importer.includes(`${path.sep}@jitsi${path.sep}robotjs${path.sep}`)
        ? { path: 'robotjs', namespace: 'sea-addon-gyp' }
        : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'sea-addon' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(addonLoader)}).loadNativeAddon(${JSON.stringify(args.path)});`,
      loader: 'js',
      resolveDir: appletDirectory,
    }));
    builder.onLoad({ filter: /.*/, namespace: 'sea-addon-gyp' }, (args) => ({
      contents: `module.exports = () => require(${JSON.stringify(addonLoader)}).loadNativeAddon(${JSON.stringify(args.path)});`,
      loader: 'js',
      resolveDir: appletDirectory,
    }));
  },
};

function isBuiltin(name: string): boolean {
  return name.startsWith('node:') || builtinModules.includes(name);
}

async function packageVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(appletDirectory, '..', 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? '0.0.0';
}
