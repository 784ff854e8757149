/**
 * The technician console against the real local runtime, the real PIN page
 * and the real applet: alice and bob side by side in separate browser
 * contexts, the whole flow from "New session" to close with the customer in a third
 * context, chat both ways (also after a reload), the permission explanations
 * for bob and carol, the German console, live updates without reload,
 * 100 sessions, and axe-core on every main state.
 *
 * `SCREENSHOTS=1` additionally writes docs/screenshots/console-*.png.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually.ts';
import { formatViolations, launchChromium, runAxe, saveScreenshot, watchPageProblems } from '../support/browser.ts';
import { getToken, startRuntimeProcess } from '../support/runtime.ts';
import { readCredentialsFile } from '../../local/dynamodb-credentials.ts';

let runtime: Awaited<ReturnType<typeof startRuntimeProcess>>;
let browser: Browser;
let downloadDirectory: string;
const applets: ChildProcess[] = [];

beforeAll(async () => {
  downloadDirectory = await mkdtemp(path.join(tmpdir(), 'console-applet-'));
  // allSettled, so a missing Chromium still leaves the started runtime to afterAll to stop.
  const [startedRuntime, launchedBrowser] = await Promise.allSettled([startRuntimeProcess(), launchChromium()]);
  if (startedRuntime.status === 'fulfilled') runtime = startedRuntime.value;
  if (launchedBrowser.status === 'fulfilled') browser = launchedBrowser.value;
  for (const outcome of [startedRuntime, launchedBrowser]) if (outcome.status === 'rejected') throw outcome.reason;
});

afterAll(async () => {
  for (const applet of applets) if (applet.exitCode === null) applet.kill();
  await Promise.allSettled([browser?.close(), runtime?.stop()]);
  if (downloadDirectory) await rm(downloadDirectory, { recursive: true, force: true });
});

interface ConsolePage {
  readonly page: Page;
  readonly problems: string[];
}

async function openConsole(displayName: string, options: BrowserContextOptions = {}): Promise<ConsolePage> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 900 }, acceptDownloads: true, ...options });
  const page = await context.newPage();
  const problems = watchPageProblems(page).messages;
  await page.goto(`${runtime.url}/console/`);
  const signInName = options.locale?.startsWith('de') ? `Als ${displayName} anmelden` : `Sign in as ${displayName}`;
  await page.getByRole('button', { name: signInName }).click();
  await page
    .getByRole('heading', { level: 1, name: options.locale?.startsWith('de') ? 'Technikerkonsole' : 'Technician console' })
    .waitFor();
  return { page, problems };
}

function sessionRow(page: Page, customerName: string): Locator {
  return page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: customerName, exact: true }) });
}

async function expectStatus(page: Page, customerName: string, status: string, timeout = 15_000): Promise<void> {
  await sessionRow(page, customerName)
    .locator('td.status', { hasText: new RegExp(`^${status}$`) })
    .waitFor({ timeout });
}

async function expectNoAxeViolations(page: Page): Promise<void> {
  expect(formatViolations(await runAxe(page))).toBe('');
}

interface RunningApplet {
  readonly process: ChildProcess;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  say(text: string): void;
}

function runApplet(file: string): RunningApplet {
  let output = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const child = spawn(process.execPath, [file, '--yes'], { cwd: path.dirname(file), stdio: ['pipe', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters.splice(0)) {
      if (waiter.pattern.test(output)) waiter.resolve();
      else waiters.push(waiter);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  applets.push(child);
  return {
    process: child,
    output: () => output,
    waitForOutput: (pattern, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(output)) return resolve();
        const timer = setTimeout(() => reject(new Error(`applet never printed ${pattern}; output:\n${output}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
    say: (text) => child.stdin?.write(`${text}\n`),
  };
}

async function technicianCall<T>(token: string, method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<T> {
  const response = await fetch(`${runtime.url}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${pathname} -> ${response.status} ${JSON.stringify(json)}`);
  return json;
}

describe('technician console with the real runtime, PIN page and applet', () => {
  it('runs the whole PIN-code session: alice creates, the customer connects, alice starts, both chat, reload keeps the chat, alice closes; bob alongside cannot create PINs', async () => {
    const [alice, bob] = await Promise.all([openConsole('Alice Adler'), openConsole('Bob Becker')]);

    // Bob, side by side: his group may create sessions but not PIN codes, and he is told so.
    await bob.page.getByRole('toolbar', { name: 'Session' }).getByRole('button', { name: 'New session' }).click();
    const bobDialog = bob.page.getByRole('dialog', { name: 'Create new session' });
    await bobDialog
      .getByText('You cannot create PIN codes: your group (Helpdesk) is not allowed to use the PIN-code connection method.')
      .waitFor();
    expect(await bobDialog.getByRole('button', { name: 'Create PIN code' }).count()).toBe(0);
    await saveScreenshot(bob.page, 'docs/screenshots/console-no-pin-permission.png');
    await expectNoAxeViolations(bob.page);
    await bob.page.keyboard.press('Escape');
    expect(await bobDialog.isVisible()).toBe(false);

    // Steps 1-2: New session, Name, PIN code tab, Create PIN code.
    const { page } = alice;
    await expectNoAxeViolations(page);
    await page.getByRole('toolbar', { name: 'Session' }).getByRole('button', { name: 'New session' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create new session' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Max Mustermann');
    await dialog.getByRole('tab', { name: 'PIN code' }).click();
    await dialog.getByRole('button', { name: 'Create PIN code' }).click();
    const pinElement = dialog.locator('.pin');
    await pinElement.waitFor();
    const pin = (await pinElement.getAttribute('data-pin')) ?? '';
    expect(pin).toMatch(/^\d{6}$/);
    expect(await pinElement.innerText()).toMatch(new RegExp(`^${pin.slice(0, 3)}\\s+${pin.slice(3)}$`));
    // Copyable as bare digits: the grouping is CSS spacing, not a character.
    expect(await pinElement.textContent()).toBe(pin);
    await dialog.getByText(/^Valid for (10:00|9:5\d)$/).waitFor();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: runtime.url });
    await dialog.getByRole('button', { name: 'Copy PIN code' }).click();
    await dialog.getByText('PIN code copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(pin);
    await saveScreenshot(page, 'docs/screenshots/console-pin.png');
    await expectNoAxeViolations(page);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expectStatus(page, 'Max Mustermann', 'PIN code issued');
    expect(await sessionRow(page, 'Max Mustermann').locator('td.time').nth(1).innerText()).toMatch(/^in (10:00|9:\d\d)$/);

    // Step 3: the customer enters the PIN on the real PIN page; alice's list follows live.
    const customerContext = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
    const customer = await customerContext.newPage();
    await customer.goto(runtime.url);
    await customer.getByLabel('PIN').fill(pin);
    await customer.getByRole('button', { name: 'Connect to technician' }).click();
    await expectStatus(page, 'Max Mustermann', 'Connecting');
    const startButton = sessionRow(page, 'Max Mustermann').getByRole('button', { name: 'Start' });
    expect(await startButton.isDisabled()).toBe(true);

    // Steps 4-5: download and run the applet; the customer arrives in Waiting with a visible notice.
    const link = customer.getByRole('link', { name: 'Download the support app' });
    const [download] = await Promise.all([customer.waitForEvent('download'), link.click()]);
    const appletFile = path.join(downloadDirectory, download.suggestedFilename());
    await download.saveAs(appletFile);
    const applet = runApplet(appletFile);
    await expectStatus(page, 'Max Mustermann', 'Waiting', 20_000).catch((error: unknown) => {
      throw new Error(`console never showed Waiting; applet output:\n${applet.output()}`, { cause: error });
    });
    const arrival = page
      .getByRole('list', { name: 'Waiting customers' })
      .getByText('Max Mustermann is waiting. Select the session and click Start.');
    await arrival.waitFor();
    expect(await page.title()).toBe('(1) Technician console');
    expect(await startButton.isEnabled()).toBe(true);
    await saveScreenshot(page, 'docs/screenshots/console-waiting.png');
    await expectNoAxeViolations(page);

    // Step 6: Start. The session view opens with the customer's system info.
    await startButton.click();
    await expectStatus(page, 'Max Mustermann', 'Active');
    expect(await arrival.count()).toBe(0);
    const panel = page.getByRole('tabpanel', { name: 'Max Mustermann' });
    await panel.getByRole('heading', { name: 'Session: Max Mustermann' }).waitFor();
    await panel.getByText('Customer system information').waitFor();
    await panel.locator('.system-info dt', { hasText: 'Operating system' }).waitFor();

    // Step 7: chat both ways.
    const chatInput = panel.getByRole('textbox', { name: 'Message' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('text');
    await chatInput.fill('Hallo, hier ist Alice. Ich sehe Ihren Rechner.');
    await chatInput.press('Enter');
    await applet.waitForOutput(/chat from technician: Hallo, hier ist Alice\. Ich sehe Ihren Rechner\./);
    applet.say('Danke, das Drucker-Problem besteht seit gestern.');
    const chatLog = panel.getByRole('log', { name: 'Chat with Max Mustermann' });
    await chatLog.getByText('Danke, das Drucker-Problem besteht seit gestern.').waitFor();
    await panel.getByRole('list').filter({ hasText: pin }).first().waitFor();
    await saveScreenshot(page, 'docs/screenshots/console-active.png');
    await expectNoAxeViolations(page);

    // A reload keeps the sign-in (this tab) and restores the chat from the session log.
    await page.reload();
    await sessionRow(page, 'Max Mustermann').getByRole('button', { name: 'Max Mustermann' }).click();
    const reloadedLog = page.getByRole('tabpanel', { name: 'Max Mustermann' }).getByRole('log');
    await reloadedLog.getByText('Hallo, hier ist Alice. Ich sehe Ihren Rechner.').waitFor();
    await reloadedLog.getByText('Danke, das Drucker-Problem besteht seit gestern.').waitFor();
    // Rows outside the log's scroll area skip layout (content-visibility), so innerText leaves them out: read the text itself.
    await eventually(async () => expect(await page.locator('.session-log').textContent()).toContain(pin), { timeoutMs: 15_000 });

    // Step 8: Close. The applet is told and ends; the list shows Closed.
    const exited = once(applet.process, 'exit');
    await page.getByRole('tabpanel', { name: 'Max Mustermann' }).getByRole('button', { name: 'Close', exact: true }).click();
    await expectStatus(page, 'Max Mustermann', 'Closed');
    await exited;
    expect(alice.problems).toEqual([]);
    expect(bob.problems).toEqual([]);
    await customerContext.close();
  });

  it('speaks German, explains to carol why she cannot create sessions, and follows changes live', async () => {
    const carol = await openConsole('Carol Clausen', { locale: 'de-DE' });
    const toolbar = carol.page.getByRole('toolbar', { name: 'Sitzung' });
    const newSession = toolbar.getByRole('button', { name: 'Neue Sitzung' });
    expect(await newSession.getAttribute('aria-disabled')).toBe('true');
    const explanation =
      'Sie können keine Sitzungen erstellen: Ihre Technikergruppe (Observers) ist nicht berechtigt, private Sitzungen zu starten.';
    await carol.page.getByText(explanation).waitFor();
    expect(
      await newSession.evaluate((button) => document.getElementById(button.getAttribute('aria-describedby') ?? '')?.textContent),
    ).toContain(explanation);
    // Reachable and operable by keyboard, but it opens nothing: the explanation is the answer.
    await newSession.focus();
    await carol.page.keyboard.press('Enter');
    expect(await carol.page.getByRole('dialog').count()).toBe(0);
    await saveScreenshot(carol.page, 'docs/screenshots/console-no-session-permission-de.png');
    await expectNoAxeViolations(carol.page);
    // Signing out forgets the token: a reload shows the sign-in page, not carol's console.
    await carol.page.getByRole('button', { name: 'Abmelden' }).click();
    await carol.page.getByRole('heading', { level: 1, name: 'Anmelden' }).waitFor();
    await carol.page.reload();
    await carol.page.getByRole('button', { name: 'Als Carol Clausen anmelden' }).waitFor();
    expect(await carol.page.evaluate(() => sessionStorage.length)).toBe(0);
    await expectNoAxeViolations(carol.page);

    // Alice in German: the seed's names, and status changes arrive without a reload.
    const alice = await openConsole('Alice Adler', { locale: 'de-DE' });
    const { page } = alice;
    await page.getByRole('heading', { name: 'Aktive Sitzungen' }).waitFor();

    // Keyboard only: the shortcut opens the dialog with the focus in Name, Enter creates the PIN code,
    // the focus moves to the copy button, Escape closes and returns the focus to "Neue Sitzung".
    const focused = () => page.evaluate(() => document.activeElement?.textContent || document.activeElement?.getAttribute('name'));
    await page.keyboard.press('Alt+Shift+KeyN');
    const dialog = page.getByRole('dialog', { name: 'Neue Sitzung erstellen' });
    await dialog.waitFor();
    await eventually(async () => expect(await focused()).toBe('customerName'));
    await page.keyboard.press('Enter');
    await dialog.getByText('Geben Sie den Namen des Kunden bzw. eine andere Kundenkennung ein.').waitFor();
    expect(await dialog.getByRole('textbox', { name: 'Name' }).getAttribute('aria-invalid')).toBe('true');
    await page.keyboard.type('Erika Musterfrau');
    await dialog.getByRole('tab', { name: 'PIN-Code' }).waitFor();
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'PIN-Code kopieren' }).waitFor();
    await eventually(async () => expect(await focused()).toBe('PIN-Code kopieren'));
    const pin = (await dialog.locator('.pin').getAttribute('data-pin')) ?? '';
    await dialog.getByText(/^Noch (10:00|9:5\d) gültig$/).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await eventually(async () => expect(await focused()).toBe('Neue Sitzung'));
    await expectStatus(page, 'Erika Musterfrau', 'PIN-Code ausgegeben');

    const redeemed = await fetch(`${runtime.url}/api/pin/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin }),
    });
    expect(redeemed.status).toBe(200);
    await expectStatus(page, 'Erika Musterfrau', 'Verbindung wird hergestellt');
    expect(await sessionRow(page, 'Erika Musterfrau').getByRole('button', { name: 'Starten' }).isDisabled()).toBe(true);
    await saveScreenshot(page, 'docs/screenshots/console-list-de.png');
    await expectNoAxeViolations(page);

    // The switch changes the language at once and is remembered.
    await page.getByLabel('Sprache').selectOption('en');
    await page.getByRole('heading', { name: 'Active sessions' }).waitFor();
    await expectStatus(page, 'Erika Musterfrau', 'Connecting');
    await page.reload();
    await page.getByRole('heading', { name: 'Active sessions' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(carol.problems).toEqual([]);
    expect(alice.problems).toEqual([]);
  });

  it('reconnects by itself after the server drops the WebSocket, catches up on what it missed, and keeps several sessions in tabs', async () => {
    const { page, problems } = await openConsole('Alice Adler');
    await page.getByText('Live updates on').waitFor();
    const token = await getToken(runtime.url, 'alice');
    const { technician } = await technicianCall<{ technician: { id: string } }>(token, 'GET', '/api/me');

    // API Gateway drops idle connections; the local gateway's @connections DELETE does the same.
    const access = await readCredentialsFile(runtime.dynamoDbCredentialsFile);
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: access.endpoint, region: access.region, credentials: access }),
    );
    const { Items: connections = [] } = await documents.send(
      new ScanCommand({
        TableName: 'remote-support',
        FilterExpression: 'kind = :kind AND technicianId = :technician',
        ExpressionAttributeValues: { ':kind': 'connection', ':technician': technician.id },
      }),
    );
    expect(connections.length).toBeGreaterThan(0);
    for (const connection of connections) {
      const dropped = await fetch(`${runtime.url}/@connections/${encodeURIComponent(String(connection.connectionId))}`, {
        method: 'DELETE',
      });
      expect(dropped.status).toBeLessThan(300);
    }
    await page.getByText(/^Live updates interrupted\. Reconnecting in \d+ s…$/).waitFor();

    // Changed while the console is not listening: only the catch-up after reconnecting can show it.
    await technicianCall(token, 'POST', '/api/sessions', { customerName: 'Missed While Offline' });
    await page.getByText('Live updates on').waitFor({ timeout: 15_000 });
    await expectStatus(page, 'Missed While Offline', 'Created');

    // A session without a PIN yet (created by another client) gets one from its session view.
    await sessionRow(page, 'Missed While Offline').getByRole('button', { name: 'Missed While Offline' }).click();
    const panel = page.getByRole('tabpanel', { name: 'Missed While Offline' });
    await panel.getByRole('button', { name: 'Create PIN code' }).click();
    expect(await panel.locator('.pin').getAttribute('data-pin')).toMatch(/^\d{6}$/);
    await expectStatus(page, 'Missed While Offline', 'PIN code issued');
    await panel.getByRole('button', { name: 'Create new PIN code' }).waitFor();

    // Several sessions at once: a second tab, switched with the arrow keys.
    await technicianCall(token, 'POST', '/api/sessions', { customerName: 'Second Tab' });
    await sessionRow(page, 'Second Tab').getByRole('button', { name: 'Second Tab' }).click();
    const tabs = page.getByRole('tablist', { name: 'Open sessions' }).getByRole('tab');
    expect(await tabs.allInnerTexts()).toEqual(['Missed While Offline', 'Second Tab']);
    expect(await page.getByRole('tab', { name: 'Second Tab' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('tab', { name: 'Second Tab' }).focus();
    await page.keyboard.press('ArrowLeft');
    expect(await page.getByRole('tab', { name: 'Missed While Offline' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.getByRole('tabpanel', { name: 'Missed While Offline' }).isVisible()).toBe(true);
    expect(await page.getByRole('tabpanel', { name: 'Second Tab' }).isVisible()).toBe(false);
    documents.destroy();
    expect(problems).toEqual([]);
  });

  it('stays fast with 100 sessions in the list and sorts them by a click', async () => {
    const token = await getToken(runtime.url, 'bob');
    const names = Array.from({ length: 100 }, (_, index) => `Kunde ${String(index + 1).padStart(3, '0')}`);
    for (let batch = 0; batch < names.length; batch += 50) {
      await Promise.all(
        names.slice(batch, batch + 50).map((customerName) => technicianCall(token, 'POST', '/api/sessions', { customerName })),
      );
    }
    const bob = await openConsole('Bob Becker');
    const { page } = bob;
    const rows = page.locator('.session-list tbody tr');
    const started = Date.now();
    await page.getByText('100 sessions').waitFor();
    const listReady = Date.now() - started;
    expect(await rows.count()).toBe(100);

    // The click handler re-sorts and moves the rows synchronously; style and layout follow in the next frame.
    const sortTime = await page.evaluate(() => {
      const button = [...document.querySelectorAll<HTMLButtonElement>('button.sort')].find((candidate) =>
        candidate.textContent?.startsWith('Customer'),
      );
      const begin = performance.now();
      button?.click();
      void document.body.offsetHeight;
      return performance.now() - begin;
    });
    expect(await rows.first().getByRole('rowheader').innerText()).toBe('Kunde 001');
    await page.getByRole('button', { name: /^Customer/ }).click();
    expect(await rows.first().getByRole('rowheader').innerText()).toBe('Kunde 100');
    expect(await page.getByRole('columnheader', { name: /^Customer/ }).getAttribute('aria-sort')).toBe('descending');

    // A live change to one of 100 sessions reaches its row without a reload.
    const { sessions } = await technicianCall<{ sessions: { id: string; customerName: string }[] }>(token, 'GET', '/api/sessions');
    const target = sessions.find((session) => session.customerName === 'Kunde 042');
    await technicianCall(token, 'POST', `/api/sessions/${target?.id}/close`);
    await expectStatus(page, 'Kunde 042', 'Closed');
    console.log(`100 sessions: list ready ${listReady} ms after sign-in, sort by customer ${sortTime.toFixed(1)} ms`);
    expect(listReady).toBeLessThan(3000);
    // Generous bounds: the figures are logged; the bounds catch an order-of-magnitude regression on a busy CI machine.
    expect(sortTime).toBeLessThan(1000);
    await saveScreenshot(page, 'docs/screenshots/console-100-sessions.png');
    expect(bob.problems).toEqual([]);
  });
});
