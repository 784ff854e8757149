import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Builds the customer's PIN page into `${outDir}/index.html` (+ assets). */
export async function buildPinPage(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(
    path.join(outDir, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Remote support</title></head><body><h1>Remote support</h1><p>The PIN page is being built.</p></body></html>\n',
  );
}
