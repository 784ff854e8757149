import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { APPLET_CONFIG_PLACEHOLDER } from './server-config.ts';

/** The applet as one CommonJS file, with the server-config placeholder left for the server to fill. */
export const appletBundleName = 'RemoteSupport.cjs';

export async function buildApplet(outDir: string): Promise<void> {
  const dir = path.join(outDir, 'applet');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, appletBundleName), `const config = "${APPLET_CONFIG_PLACEHOLDER}";\nconsole.log('applet under construction', config);\n`);
}
