import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Builds the technician console into `${outDir}/console/`. */
export async function buildConsole(outDir: string): Promise<void> {
  const dir = path.join(outDir, 'console');
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Technician console</title></head><body><h1>Technician console</h1><p>The console is being built.</p></body></html>\n',
  );
}
