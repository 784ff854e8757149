import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildConsole } from '../../web/console/build.ts';

let outDir: string;
let html: string;
let script: string;
let css: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(os.tmpdir(), 'console-build-'));
  await buildConsole(outDir);
  const read = (file: string) => readFile(path.join(outDir, 'console', file), 'utf8');
  [html, script, css] = await Promise.all([read('index.html'), read('console.js'), read('console.css')]);
}, 30_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('console build', () => {
  it('writes a page that loads only its own script and stylesheet, with nothing inline', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]?.[1]).toContain('src="console.js"');
    expect(scripts[0]?.[2]?.trim()).toBe('');
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).toContain('<link rel="stylesheet" href="console.css">');
    expect(html).toMatch(/Content-Security-Policy" content="[^"]*script-src 'self'; style-src 'self'/);
  });

  it('requests nothing from third parties', () => {
    for (const text of [html, script, css]) {
      expect(text).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+\.[a-z]{2,}/i);
      expect(text).not.toMatch(/@import|url\(\s*["']?https?:/i);
    }
  });

  it('is a minified bundle within its size budget (60 KB gzip for script + style)', () => {
    expect(script.split('\n').length).toBeLessThan(5);
    const gzipped = gzipSync(script).length + gzipSync(css).length;
    expect(gzipped).toBeLessThan(60 * 1024);
  });

  it('never sets inline styles from script (CSP style-src without unsafe-inline)', () => {
    expect(script).not.toMatch(/setAttribute\(\s*["']style["']/);
    expect(script).not.toMatch(/\.style\.cssText|innerHTML\s*=/);
  });
});
