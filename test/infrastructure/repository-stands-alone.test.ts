import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A reader of this repository has only this repository: code and docs say the
 * rule itself, never point to a specification document's sections or to a
 * numbered issue they cannot open. Built from pieces so this file does not
 * match itself.
 */
const pointers = [
  new RegExp(['SPEC', '\\s+section'].join(''), 'i'),
  new RegExp(['SPEC', '\\.md'].join('')),
  new RegExp(['\\bissue', '\\s+#?\\d+'].join(''), 'i'),
];

/** Tracked and new files alike (what a commit would hold), without ignored ones such as node_modules. */
function repositoryFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
  return listed.split('\0').filter((file) => file !== '' && !file.startsWith('node_modules/'));
}

describe('the repository stands alone', () => {
  it('points to no specification section and no numbered issue', () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(100);
    const offending: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(path.join(root, file), 'utf8');
      } catch {
        continue; // listed but deleted in the work tree
      }
      if (text.includes('\0')) continue; // binary (screenshots, fonts)
      text.split('\n').forEach((line, index) => {
        if (pointers.some((pointer) => pointer.test(line))) offending.push(`${file}:${index + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(offending).toEqual([]);
  });
});
