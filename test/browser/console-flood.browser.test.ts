/**
 * The console opening a flooded session: 1,000 chat lines of 4,000
 * characters each (unbroken words), the most a session's log takes from its
 * clients. The main thread must stay responsive: no long task over 200 ms
 * (PerformanceObserver "longtask") from sign-in until the chat is shown.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readCredentialsFile } from '../../local/dynamodb-credentials.ts';
import { launchChromium, watchPageProblems } from '../support/browser.ts';
import { getToken, startRuntimeProcess } from '../support/runtime.ts';

const LINES = 1000;
const LINE_LENGTH = 4000;
const LONGEST_TASK_MS = 200;

let runtime: Awaited<ReturnType<typeof startRuntimeProcess>>;
let browser: Browser;

beforeAll(async () => {
  const [startedRuntime, launchedBrowser] = await Promise.allSettled([startRuntimeProcess(), launchChromium()]);
  if (startedRuntime.status === 'fulfilled') runtime = startedRuntime.value;
  if (launchedBrowser.status === 'fulfilled') browser = launchedBrowser.value;
  for (const outcome of [startedRuntime, launchedBrowser]) if (outcome.status === 'rejected') throw outcome.reason;
});

afterAll(async () => {
  await Promise.allSettled([browser?.close(), runtime?.stop()]);
});

/** Writes the chat lines straight into the runtime's table, as the log stores them (the API would take 40 minutes). */
async function floodLog(sessionId: string): Promise<void> {
  const access = await readCredentialsFile(runtime.dynamoDbCredentialsFile);
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: access.endpoint, region: access.region, credentials: access }));
  try {
    const start = Date.now();
    const items = Array.from({ length: LINES }, (_, index) => {
      const at = new Date(start + index).toISOString();
      const from = index % 2 === 0 ? 'customer' : 'technician';
      // Unbroken words: the worst case for line breaking.
      const text = `${index}:`.padEnd(LINE_LENGTH, String.fromCharCode(97 + (index % 26)));
      return {
        pk: `SESSION#${sessionId}`,
        sk: `LOG#${at}#${String(index).padStart(9, '0')}f100d0`,
        kind: 'log',
        sessionId,
        at,
        type: 'chat',
        actor: from === 'customer' ? { kind: 'customer', name: 'Flood Customer' } : { kind: 'technician', name: 'Alice Adler' },
        message: text,
        details: { from },
      };
    });
    for (let offset = 0; offset < items.length; offset += 25) {
      const batch = items.slice(offset, offset + 25).map((Item) => ({ PutRequest: { Item } }));
      const result = await documents.send(new BatchWriteCommand({ RequestItems: { [access.table]: batch } }));
      expect(Object.keys(result.UnprocessedItems ?? {})).toEqual([]);
    }
  } finally {
    documents.destroy();
  }
}

describe('console with a flooded session', () => {
  it(`shows ${LINES} chat lines of ${LINE_LENGTH} characters without a long task over ${LONGEST_TASK_MS} ms`, async () => {
    const token = await getToken(runtime.url, 'alice');
    const created = await fetch(`${runtime.url}/api/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customerName: 'Flood Customer' }),
    });
    const { session } = (await created.json()) as { session: { id: string } };
    await floodLog(session.id);

    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const problems = watchPageProblems(page).messages;
    // Registered before any script of the page runs, buffered, so no task escapes it.
    await page.addInitScript(() => {
      const longTasks: number[] = [];
      (window as unknown as { longTasks: number[] }).longTasks = longTasks;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`${runtime.url}/console/`);
    await page.getByRole('button', { name: 'Sign in as Alice Adler' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Flood Customer', exact: true }) });
    await row.getByRole('button', { name: 'Flood Customer' }).click();
    const panel = page.getByRole('tabpanel', { name: 'Flood Customer' });
    await panel.locator('.chat-messages .message').nth(LINES - 1).waitFor({ state: 'attached', timeout: 60_000 });
    // The view scrolls to the newest line; let the frame that shows it finish.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
    expect(await panel.locator('.chat-messages .message').count()).toBe(LINES);

    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    const longest = Math.max(0, ...longTasks);
    console.log(`long tasks (ms): ${longTasks.map(Math.round).join(" ")}; longest ${Math.round(longest)} ms, total ${Math.round(longTasks.reduce((sum, task) => sum + task, 0))} ms`);
    expect(longest).toBeLessThanOrEqual(LONGEST_TASK_MS);
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);
});
