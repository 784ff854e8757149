/**
 * Counts imports between the layers (eslint/layers.js) and prints them as a
 * matrix, rows importing columns, then every import the lint rule refuses or
 * lets pass only as a known exception. `npm run layers`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { layerOf, layerPaths, layerViolation, repositoryRoot, resolveImport } from '../eslint/layers.js';

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.tsx', '*.js', '*.mjs'], {
  cwd: repositoryRoot,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file && !file.startsWith('node_modules/'));

const layers = [...layerPaths.map(([layer]) => layer), 'tools'];
const counts = new Map<string, number>();
const refused: string[] = [];
const excepted: string[] = [];

for (const file of files) {
  const fromLayer = layerOf(file) ?? 'tools';
  let text: string;
  try {
    text = readFileSync(path.join(repositoryRoot, file), 'utf8');
  } catch {
    continue;
  }
  for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
    const target = resolveImport(path.join(repositoryRoot, file), imported.fileName);
    if (target === undefined) continue;
    const toLayer = layerOf(target) ?? 'tools';
    counts.set(`${fromLayer}>${toLayer}`, (counts.get(`${fromLayer}>${toLayer}`) ?? 0) + 1);
    const fromFile = path.join(repositoryRoot, file);
    if (layerViolation(fromFile, imported.fileName)) refused.push(`${file} -> ${target}`);
    else if (layerViolation(fromFile, imported.fileName, { withExceptions: false })) excepted.push(`${file} -> ${target}`);
  }
}

const width = Math.max(...layers.map((layer) => layer.length)) + 2;
console.log(`${'from \\ to'.padEnd(width + 6)}${layers.map((layer) => layer.padStart(width)).join('')}`);
for (const from of layers) {
  console.log(`${from.padEnd(width + 6)}${layers.map((to) => String(counts.get(`${from}>${to}`) ?? '·').padStart(width)).join('')}`);
}
console.log(`\nKnown exceptions (${excepted.length}):${excepted.map((line) => `\n  ${line}`).join('')}`);
console.log(`Refused by the lint rule (${refused.length}):${refused.map((line) => `\n  ${line}`).join('')}`);
process.exitCode = refused.length > 0 ? 1 : 0;
