import { gzipSync } from 'node:zlib';
import { launchChromium } from '../test/support/browser.ts';
import { summarize, type Summary } from './stats.ts';

/**
 * Page weight and speed in headless Chromium, each load in a fresh context
 * (empty cache), as a first-time customer meets the PIN page. Bytes are what
 * the local server sent; gzip is what CloudFront's compression would send.
 */
export interface PageResult {
  readonly page: string;
  readonly runs: number;
  readonly requests: number;
  /** Bytes by resource type (document, script, stylesheet, image, fetch, ...). */
  readonly bytesByType: Record<string, number>;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly firstContentfulPaint: Summary;
  readonly domContentLoaded: Summary;
  readonly load: Summary;
  /** Until the page's main control is usable: the PIN input (PIN page) or the sign-in / session controls (console). */
  readonly interactive: Summary;
}

export async function measurePages(origin: string, runs: number): Promise<PageResult[]> {
  const browser = await launchChromium();
  const results: PageResult[] = [];
  try {
    // The first navigation of a fresh browser pays for starting its renderer; no customer's browser does.
    const warm = await browser.newContext();
    await (await warm.newPage()).goto(`${origin}/`, { waitUntil: 'load' });
    await warm.close();
    for (const target of [
      { page: 'PIN page /', path: '/', ready: 'input#pin' },
      { page: 'console /console/', path: '/console/', ready: 'button:visible, input:visible' },
    ]) {
      const timings = { fcp: [] as number[], dcl: [] as number[], load: [] as number[], interactive: [] as number[] };
      let bytesByType: Record<string, number> = {};
      let gzipBytes = 0;
      let requests = 0;
      for (let run = 0; run < runs; run += 1) {
        const context = await browser.newContext({ locale: 'de-DE' });
        const page = await context.newPage();
        const bodies: Promise<void>[] = [];
        const byType: Record<string, number> = {};
        let gzip = 0;
        let count = 0;
        page.on('response', (response) => {
          count += 1;
          const type = response.request().resourceType();
          bodies.push(
            response
              .body()
              .then((body) => {
                byType[type] = (byType[type] ?? 0) + body.length;
                gzip += gzipSync(body, { level: 9 }).length;
              })
              .catch(() => undefined),
          );
        });
        await page.goto(`${origin}${target.path}`, { waitUntil: 'commit' });
        await page.locator(target.ready).first().waitFor({ state: 'visible' });
        // Page clock: milliseconds since navigation start (an evaluate round trip late at most).
        const interactiveAt = await page.evaluate(() => performance.now());
        await page.waitForLoadState('load');
        await page.waitForLoadState('networkidle');
        await Promise.all(bodies);
        const navigation: { dcl: number; load: number; fcp: number } = await page.evaluate(() => {
          const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
          const paint = performance.getEntriesByName('first-contentful-paint')[0];
          return { dcl: entry.domContentLoadedEventEnd, load: entry.loadEventEnd, fcp: paint ? paint.startTime : Number.NaN };
        });
        timings.fcp.push(navigation.fcp);
        timings.dcl.push(navigation.dcl);
        timings.load.push(navigation.load);
        timings.interactive.push(Math.max(interactiveAt, navigation.dcl));
        bytesByType = byType;
        gzipBytes = gzip;
        requests = count;
        await context.close();
      }
      results.push({
        page: target.page,
        runs,
        requests,
        bytesByType,
        bytes: Object.values(bytesByType).reduce((sum, value) => sum + value, 0),
        gzipBytes,
        firstContentfulPaint: summarize(timings.fcp),
        domContentLoaded: summarize(timings.dcl),
        load: summarize(timings.load),
        interactive: summarize(timings.interactive),
      });
    }
  } finally {
    await browser.close();
  }
  return results;
}
