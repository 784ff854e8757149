/**
 * Shared helpers for browser tests: Debian's Chromium driven by
 * playwright-core (never a downloaded browser), and an axe-core scan.
 *
 *   const browser = await launchChromium();          // throws if Chromium is missing
 *   const context = await browser.newContext({ locale: 'de-DE' });
 *   const page = await context.newPage();
 *   const problems = watchPageProblems(page);       // uncaught errors, console errors, CSP reports
 *   ...
 *   expect(formatViolations(await runAxe(page))).toBe('');
 *   await saveScreenshot(page, 'docs/screenshots/x.png'); // only with SCREENSHOTS=1
 *   await browser.close();
 *
 * Each `launchChromium()` starts its own browser process; Playwright gives it a
 * fresh temporary profile (user-data dir) and deletes it on close, so no state
 * leaks between test files. Each `newContext()` is a further clean slate
 * (cookies, localStorage), cheaper than a new browser.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';
import { chromiumExecutablePath as configuredChromiumPath } from '../../scripts/system-requirements.ts';

/** CHROMIUM_PATH or Debian's /usr/bin/chromium: the same place `npm test` checks and installs. */
export const chromiumExecutablePath = configuredChromiumPath();

/** No GPU, no sandbox (containers), and nothing that phones home: tests talk to loopback only. */
export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * For pages that open WebRTC peer connections, which run only inside the
 * network namespace (test/rtc): ICE may use loopback, and candidates carry the
 * real (test host) addresses instead of mDNS names.
 */
export const peerConnectionArgs: readonly string[] = [
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/** A camera and screen that need no permission prompt: Chromium's generated test pattern. */
export const fakeMediaArgs: readonly string[] = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

/**
 * Launches Chromium or fails with a message that says what to do. Deliberately
 * never skips: a browser test that silently does not run proves nothing, and
 * CI (CI=true) must go red when the browser is absent.
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(chromiumExecutablePath)) {
    const where = process.env.CI === 'true' ? 'CI=true: the browser tests cannot run' : 'browser tests need it';
    throw new Error(
      `Chromium not found at ${chromiumExecutablePath} (${where}). Run the tests through \`npm test\` / \`npm run test:browser\`, which install it, or \`apt-get install -y chromium\`, or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: chromiumExecutablePath,
    args: [...chromiumArgs],
    headless: true,
    ...options,
  });
}

export interface PageProblems {
  /** Uncaught exceptions, console errors and CSP violations seen so far, in order. */
  readonly messages: string[];
}

/** Collects what a user would never see but a test should: script errors and CSP violations. */
export function watchPageProblems(page: Page): PageProblems {
  const problems: PageProblems = { messages: [] };
  page.on('pageerror', (error) => problems.messages.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.messages.push(`console.error: ${message.text()}`);
  });
  return problems;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[]; readonly failureSummary?: string }[];
}

/** WCAG 2.0/2.1 A and AA rules plus axe's best practices. */
export const defaultAxeTags: readonly string[] = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

let axeSource: string | undefined;

function loadAxeSource(): string {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/**
 * Runs axe-core in the page and returns its violations. The library is
 * evaluated through the DevTools protocol rather than a <script> tag, so it
 * works on pages whose CSP forbids inline and foreign scripts.
 */
export async function runAxe(page: Page, tags: readonly string[] = defaultAxeTags): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(`${loadAxeSource()}\n;undefined`);
  return page.evaluate(
    async (runOnly) => {
      const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } })
        .axe;
      const results = await axe.run(document, { runOnly: { type: 'tag', values: runOnly }, resultTypes: ['violations'] });
      return results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        nodes: violation.nodes.map((node) => ({ target: node.target, failureSummary: node.failureSummary })),
      }));
    },
    [...tags],
  );
}

/** One line per violation and node, '' when clean: readable in an `expect(...).toBe('')` failure. */
export function formatViolations(violations: readonly AxeViolation[]): string {
  return violations
    .flatMap((violation) =>
      violation.nodes.map((node) => `${violation.id} (${violation.impact ?? 'n/a'}): ${violation.help} at ${JSON.stringify(node.target)}`),
    )
    .join('\n');
}

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Documentation screenshots are written only on request, so `npm test` leaves the tree untouched. */
export const screenshotsEnabled = process.env.SCREENSHOTS === '1';

/**
 * Writes a full-page PNG (path relative to the repository root) when
 * SCREENSHOTS=1; otherwise does nothing. Tests must not depend on the image.
 */
export async function saveScreenshot(page: Page, relativePath: string): Promise<void> {
  if (!screenshotsEnabled) return;
  const file = path.join(repositoryRoot, relativePath);
  await mkdir(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
}
