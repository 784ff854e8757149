import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildPinPage, type BuiltPinPage } from '../../web/pin/build.ts';

/** The PIN page's budget: HTML + CSS + JS at most 30 KB compressed, so it loads fast on a poor connection. */
const budgetBytes = 30 * 1024;

let outDir: string;
let built: BuiltPinPage;
let html: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'pin-page-'));
  built = await buildPinPage(outDir);
  html = await readFile(path.join(outDir, 'index.html'), 'utf8');
}, 30_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('PIN page build', () => {
  it('stays within the 30 KB compressed budget (HTML + CSS + JS)', async () => {
    const files = ['index.html', built.assets.script, built.assets.style];
    const sizes = await Promise.all(
      files.map(async (file) => {
        const content = await readFile(path.join(outDir, file));
        return { file, raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
      }),
    );
    const gzipTotal = sizes.reduce((sum, size) => sum + size.gzip, 0);
    console.info(
      `PIN page weight: ${sizes.map((s) => `${s.file} ${s.raw} B raw / ${s.gzip} B gzip`).join('; ')}; total gzip ${gzipTotal} B`,
    );
    expect(gzipTotal).toBeLessThanOrEqual(budgetBytes);
  });

  it('names its assets /pin.<hash>.* at the site root, apart from /console/ and /applet/', () => {
    for (const asset of Object.values(built.assets)) expect(asset).toMatch(/^\/pin\.[0-9a-f]{10}\.(js|css|svg)$/);
    expect(built.files).toContain('index.html');
  });

  it('renders the form in the HTML itself, before any script runs', () => {
    expect(html).toMatch(/<label for="pin"[^>]*>PIN<\/label>/);
    expect(html).toMatch(/<input id="pin"[^>]*inputmode="numeric"[^>]*autocomplete="one-time-code"/);
    expect(html).toMatch(/<button id="connect" type="submit"[^>]*>Connect to technician<\/button>/);
    expect(html).toContain('This page needs JavaScript');
  });

  it('has no inline script or style and loads nothing from another origin', () => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain(`<script type="module" src="${built.assets.script}"></script>`);
    expect(html).toContain("script-src 'self'; style-src 'self'");
  });

  it('ships a minified bundle with no reference to another origin', async () => {
    const script = await readFile(path.join(outDir, built.assets.script), 'utf8');
    expect(script.split('\n').length).toBeLessThan(5);
    expect(script).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });
});
