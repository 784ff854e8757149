import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { repositoryRoot, startRuntimeProcess, type RuntimeProcess } from '../support/runtime.ts';

/**
 * The smoke test DevOps runs after a deploy (`npm run smoke -- --url ...`), run here
 * as that same command against the real local runtime: a whole session with the
 * real applet, and failures said in plain words.
 */
let runtime: RuntimeProcess;

beforeAll(async () => {
  runtime = await startRuntimeProcess();
});

afterAll(async () => {
  await runtime?.stop();
});

function runSmoke(args: readonly string[]): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/smoke.ts', ...args], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, lines: output.split('\n').filter(Boolean) }));
  });
}

describe('npm run smoke', () => {
  it('drives a whole session against the local runtime and passes', async () => {
    const { code, lines } = await runSmoke(['--url', `${runtime.url}/`, '--username', 'alice']);
    expect(lines.filter((line) => line.startsWith('ok ')).map((line) => line.replace(/^ok\s+/, '').replace(/ \(\d+ ms\).*$/, ''))).toEqual([
      'site config',
      'technician sign-in',
      'technician WebSocket',
      'create session',
      'generate PIN',
      'redeem PIN',
      'download applet',
      'applet connects (waiting)',
      'start session',
      'chat both ways',
      'close session',
    ]);
    expect(lines.at(-1)).toMatch(/^smoke test passed in \d+ ms$/);
    expect(code).toBe(0);
  }, 120_000);

  it('says in plain words that a technician without the PIN permission cannot run a session', async () => {
    const { code, lines } = await runSmoke(['--url', `${runtime.url}/`, '--username', 'bob']);
    expect(lines).toContain(
      lines.find(
        (line) => line.startsWith('FAIL generate PIN: generating a PIN: expected HTTP 201, got 403') && line.includes('lacks a permission'),
      ),
    );
    expect(lines.at(-1)).toBe('smoke test FAILED');
    expect(code).toBe(1);
  }, 60_000);

  it('says so when the URL reaches nothing, and when arguments are missing', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const unreachable = await runSmoke(['--url', `http://127.0.0.1:${closedPort}/`, '--username', 'alice']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.lines[0]).toBe(
      `FAIL site config: cannot reach the site at http://127.0.0.1:${closedPort}/config.json (ECONNREFUSED). Is the URL right and the deployment up?`,
    );
    const missing = await runSmoke(['--username', 'alice']);
    expect(missing.code).toBe(2);
    expect(missing.lines[0]).toMatch(/^smoke: --url is missing/);
  }, 60_000);
});
