/**
 * Native add-ons inside the single executable: the build stores each
 * platform's `.node` files as SEA assets (applet/native/native-addons.ts);
 * here one is written to a private temporary folder and loaded with
 * `process.dlopen`, since a shared library can only be loaded from a file.
 * The Node.js script has no such assets: screen sharing needs the app.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getAsset, isSea } from 'node:sea';

export type NativeAddonName = 'wrtc' | 'robotjs';

let folder: string | undefined;

export function nativeAddonAssetName(name: NativeAddonName): string {
  return `${name}.node`;
}

export function loadNativeAddon(name: NativeAddonName): unknown {
  let sea = false;
  try {
    sea = isSea();
  } catch {
    sea = false;
  }
  if (!sea) throw new Error('screen sharing and remote control need the support app for this system, not the Node.js script');
  let bytes: ArrayBuffer;
  try {
    bytes = getAsset(nativeAddonAssetName(name));
  } catch {
    throw new Error(`this build of the app carries no ${name} library for ${process.platform}-${process.arch}`);
  }
  if (!folder) {
    // mkdtemp makes the folder readable by this user only, so no one else can swap the library before it loads.
    const created = mkdtempSync(path.join(os.tmpdir(), 'remote-support-'));
    folder = created;
    // On Linux and macOS a loaded library may be deleted; on Windows the removal fails quietly and the OS cleans the temp folder.
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  const file = path.join(folder, nativeAddonAssetName(name));
  writeFileSync(file, new Uint8Array(bytes), { mode: 0o700 });
  const module = { exports: {} as unknown };
  process.dlopen(module, file);
  return module.exports;
}
