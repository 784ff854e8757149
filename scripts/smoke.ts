/**
 * `npm run smoke -- --url <PIN page URL> ...`: one whole support session
 * against a running deployment (AWS or `npm start`), the way people use it:
 * a technician signs in, creates a session and a PIN, a customer redeems the
 * PIN, downloads the real applet and runs it, the technician starts, both
 * chat, the technician closes. Prints one line per step and, when a step
 * fails, what failed in plain words; exits 0 when all passed, 1 otherwise.
 *
 *   npm run smoke -- --url https://support.example.com/ --user-pool-id eu-central-1_Ab12 \
 *     --username smoke-test --password '...'        # AWS: a test technician whose group may use PINs
 *   npm run smoke -- --url http://127.0.0.1:3000/ --username alice   # the local runtime
 *   npm run smoke -- --url ... --token <ID token>   # any deployment, with a token you already have
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { AdminInitiateAuthCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { MessageSocket, UpgradeRefused, type ServerMessage } from '../load/api-client.ts';
import type { SiteConfig } from '../web/shared/site-config.ts';

export class SmokeFailure extends Error {}

interface Options {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly userPoolId?: string;
  readonly token?: string;
  readonly timeoutMs: number;
}

const usage =
  'usage: npm run smoke -- --url <PIN page URL> (--username <name> [--password <password> --user-pool-id <id>] | --token <ID token>) [--timeout-seconds 30]';

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      url: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'user-pool-id': { type: 'string' },
      token: { type: 'string' },
      'timeout-seconds': { type: 'string', default: '30' },
    },
    strict: true,
  });
  if (!values.url) throw new SmokeFailure(`--url is missing.\n${usage}`);
  if (!values.token && !values.username)
    throw new SmokeFailure(`give --username (and for AWS --password and --user-pool-id) or --token.\n${usage}`);
  const timeoutSeconds = Number(values['timeout-seconds']);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new SmokeFailure('--timeout-seconds must be a positive number');
  return {
    url: values.url,
    username: values.username,
    password: values.password,
    userPoolId: values['user-pool-id'],
    token: values.token,
    timeoutMs: timeoutSeconds * 1000,
  };
}

/** Explains a failed fetch in words: the network error's cause, not "fetch failed". */
function unreachable(what: string, url: string, error: unknown): SmokeFailure {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return new SmokeFailure(
    `cannot reach ${what} at ${url} (${cause?.code ?? cause?.message ?? (error as Error).message}). Is the URL right and the deployment up?`,
  );
}

async function jsonFrom(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 200);
  }
}

class Smoke {
  private readonly site: URL;
  private config!: SiteConfig;
  private token = '';

  constructor(private readonly options: Options) {
    this.site = new URL(options.url);
  }

  private apiUrl(route: string): string {
    return new URL(`${this.config.apiBaseUrl.replace(/\/$/, '')}${route}`, this.site).href;
  }

  /** One API call; any other status than `expected` is a failure that names the call and the answer. */
  private async api<T>(what: string, method: string, route: string, expected: number, body?: unknown, token?: string): Promise<T> {
    const url = this.apiUrl(route);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw unreachable('the HTTP API', url, error);
    }
    const answer = await jsonFrom(response);
    if (response.status !== expected) {
      const error = (answer as { error?: { code?: string; message?: string }; message?: string }) ?? {};
      const said = error.error ? `${error.error.code}: ${error.error.message}` : (error.message ?? JSON.stringify(answer));
      const hint =
        response.status === 401
          ? ' The token was refused: wrong user pool or client, or expired.'
          : response.status === 403
            ? ' The technician’s group lacks a permission it needs (private sessions and PIN code).'
            : '';
      throw new SmokeFailure(`${what}: expected HTTP ${expected}, got ${response.status} (${said}).${hint}`);
    }
    return answer as T;
  }

  async loadConfig(): Promise<string> {
    const url = new URL('config.json', this.site).href;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      throw unreachable('the site', url, error);
    }
    if (response.status !== 200)
      throw new SmokeFailure(`the site answered ${response.status} for ${url}: is --url the PIN page of a deployment?`);
    this.config = (await response.json()) as SiteConfig;
    return `${this.config.auth.mode} sign-in, WebSocket ${this.config.webSocketUrl}`;
  }

  async signIn(): Promise<string> {
    if (this.options.token) {
      this.token = this.options.token;
      return 'with the given token';
    }
    const username = this.options.username!;
    if (this.config.auth.mode === 'local') {
      const tokenUrl = new URL(this.config.auth.tokenUrl, this.site).href;
      const response = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username }),
      }).catch((error: unknown) => {
        throw unreachable('the local sign-in', tokenUrl, error);
      });
      if (response.status !== 200) throw new SmokeFailure(`the local runtime has no technician "${username}" (HTTP ${response.status})`);
      this.token = ((await response.json()) as { token: string }).token;
      return `as ${username} (local)`;
    }
    if (!this.options.password || !this.options.userPoolId) {
      throw new SmokeFailure(
        'this deployment signs in with Cognito: give --password and --user-pool-id (the stack output UserPoolId), or --token',
      );
    }
    const region = this.options.userPoolId.split('_')[0]!;
    const cognito = new CognitoIdentityProviderClient({ region });
    try {
      const result = await cognito.send(
        new AdminInitiateAuthCommand({
          UserPoolId: this.options.userPoolId,
          ClientId: this.config.auth.clientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username, PASSWORD: this.options.password },
        }),
      );
      if (result.ChallengeName) {
        throw new SmokeFailure(
          `Cognito asks ${username} for ${result.ChallengeName}: use a test technician that has set its password and needs no MFA`,
        );
      }
      if (!result.AuthenticationResult?.IdToken) throw new SmokeFailure('Cognito answered without an ID token');
      this.token = result.AuthenticationResult.IdToken;
    } catch (error) {
      if (error instanceof SmokeFailure) throw error;
      const name = (error as Error).name;
      const explained: Record<string, string> = {
        NotAuthorizedException: `Cognito refused the user name or password of ${username}`,
        UserNotFoundException: `Cognito refused the user name or password of ${username}`,
        ResourceNotFoundException: `there is no user pool ${this.options.userPoolId} in ${region}`,
        CredentialsProviderError: 'no AWS credentials: the sign-in needs an operator allowed cognito-idp:AdminInitiateAuth',
        AccessDeniedException: 'your AWS credentials may not call cognito-idp:AdminInitiateAuth on this user pool',
      };
      throw new SmokeFailure(`${explained[name] ?? `signing in failed (${name}: ${(error as Error).message})`}`);
    } finally {
      cognito.destroy();
    }
    return `as ${username} (Cognito)`;
  }

  async run(step: (name: string, action: () => Promise<string | void>) => Promise<void>): Promise<void> {
    await step('site config', () => this.loadConfig());
    await step('technician sign-in', () => this.signIn());

    let technicianSocket: MessageSocket;
    await step('technician WebSocket', async () => {
      try {
        technicianSocket = await MessageSocket.open(`${this.config.webSocketUrl}?token=${encodeURIComponent(this.token)}`);
      } catch (error) {
        if (error instanceof UpgradeRefused)
          throw new SmokeFailure(`the WebSocket API refused the technician's token (HTTP ${error.status})`);
        throw new SmokeFailure(`cannot reach the WebSocket API at ${this.config.webSocketUrl} (${(error as Error).message})`);
      }
    });
    try {
      await this.session(step, technicianSocket!);
    } finally {
      await technicianSocket!.close().catch(() => undefined);
    }
  }

  private async session(
    step: (name: string, action: () => Promise<string | void>) => Promise<void>,
    technicianSocket: MessageSocket,
  ): Promise<void> {
    const timeout = this.options.timeoutMs;
    const updated = (id: string, status: string) => (message: ServerMessage) =>
      message.type === 'session.updated' &&
      (message.session as { id?: string; status?: string } | undefined)?.id === id &&
      (message.session as { status?: string }).status === status;
    const waitFor = async (what: string, match: (message: ServerMessage) => boolean) => {
      try {
        await technicianSocket.next(match, timeout);
      } catch {
        throw new SmokeFailure(`the console would not have seen ${what} within ${timeout / 1000} s`);
      }
    };

    let sessionId = '';
    await step('create session', async () => {
      const created = await this.api<{ session: { id: string } }>(
        'creating a session',
        'POST',
        '/sessions',
        201,
        { customerName: 'Smoke test' },
        this.token,
      );
      sessionId = created.session.id;
      await waitFor('the new session', updated(sessionId, 'created'));
      return sessionId;
    });
    let pin = '';
    await step('generate PIN', async () => {
      pin = (await this.api<{ pin: string }>('generating a PIN', 'POST', `/sessions/${sessionId}/pin`, 201, undefined, this.token)).pin;
      await waitFor('the session pending', updated(sessionId, 'pending'));
    });
    let download: { downloadUrl: string; fileName: string };
    await step('redeem PIN', async () => {
      download = (
        await this.api<{ applet: { downloadUrl: string; fileName: string } }>('redeeming the PIN', 'POST', '/pin/redeem', 200, { pin })
      ).applet;
      await waitFor('the session connecting', updated(sessionId, 'connecting'));
    });

    const directory = await mkdtemp(path.join(os.tmpdir(), 'remote-support-smoke-'));
    let applet: AppletRun | undefined;
    try {
      await step('download applet', async () => {
        const url = new URL(download.downloadUrl, this.site).href;
        const response = await fetch(url, { signal: AbortSignal.timeout(timeout) }).catch((error: unknown) => {
          throw unreachable('the applet download', url, error);
        });
        if (response.status !== 200) throw new SmokeFailure(`the applet download answered HTTP ${response.status}`);
        const file = path.join(directory, download.fileName);
        await writeFile(file, Buffer.from(await response.arrayBuffer()));
        applet = new AppletRun(file);
        return download.fileName;
      });
      await step('applet connects (waiting)', async () => {
        await applet!.waitFor(/^status: waiting$/, timeout, 'connect and wait for the technician');
        await waitFor('the customer waiting', updated(sessionId, 'waiting'));
      });
      await step('start session', async () => {
        await this.api('starting the session', 'POST', `/sessions/${sessionId}/start`, 200, undefined, this.token);
        await applet!.waitFor(/^status: active/, timeout, 'show the technician joined');
      });
      await step('chat both ways', async () => {
        technicianSocket.send({ action: 'chat', sessionId, text: 'smoke test: hello customer' });
        await applet!.waitFor(/^chat from technician: smoke test: hello customer$/, timeout, 'show the technician’s chat');
        const from = technicianSocket.received.length;
        applet!.type('smoke test: hello technician');
        try {
          await technicianSocket.next(
            (message) => message.type === 'chat' && message.text === 'smoke test: hello technician',
            timeout,
            from,
          );
        } catch {
          throw new SmokeFailure(`the customer's chat did not reach the technician within ${timeout / 1000} s`);
        }
      });
      await step('close session', async () => {
        await this.api('closing the session', 'POST', `/sessions/${sessionId}/close`, 200, undefined, this.token);
        await applet!.waitFor(/^status: closed \(technician_closed\)$/, timeout, 'show the session closed');
        const code = await applet!.exitCode(timeout);
        if (code !== 0) throw new SmokeFailure(`the applet exited with code ${code} instead of 0 after the close`);
      });
    } finally {
      applet?.kill();
      await rm(directory, { recursive: true, force: true });
    }
  }
}

/** The downloaded applet, run as a customer runs it. */
class AppletRun {
  private readonly lines: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<number | null>;

  constructor(file: string) {
    this.child = spawn(process.execPath, [file, '--yes'], { cwd: path.dirname(file), env: { ...process.env, LANG: 'en_US.UTF-8' } });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.lines.push(line));
    this.child.stderr.on('data', (chunk: Buffer) => this.lines.push(`[stderr] ${chunk.toString().trim()}`));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  async waitFor(pattern: RegExp, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    for (;;) {
      if (this.lines.some((line) => pattern.test(line))) return;
      if (exitCode !== undefined || Date.now() > deadline) {
        const last = this.lines.slice(-5).join(' | ') || 'nothing';
        const state = exitCode !== undefined ? `it exited (code ${exitCode})` : `not within ${timeoutMs / 1000} s`;
        throw new SmokeFailure(`the applet did not ${what}: ${state}; it printed: ${last}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  type(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  async exitCode(timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SmokeFailure(`the applet did not exit within ${timeoutMs / 1000} s after the close`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** Runs the smoke test; resolves to the exit code. */
export async function smoke(argv: readonly string[], print: (line: string) => void = (line) => console.log(line)): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    print(`smoke: ${(error as Error).message}`);
    return 2;
  }
  const startedAt = performance.now();
  const step = async (name: string, action: () => Promise<string | void>) => {
    const stepStartedAt = performance.now();
    try {
      const detail = await action();
      print(`ok   ${name} (${Math.round(performance.now() - stepStartedAt)} ms)${detail ? `: ${detail}` : ''}`);
    } catch (error) {
      const message = error instanceof SmokeFailure ? error.message : `unexpected error: ${(error as Error).message}`;
      print(`FAIL ${name}: ${message}`);
      throw new SmokeFailure(message);
    }
  };
  try {
    await new Smoke(options).run(step);
    print(`smoke test passed in ${Math.round(performance.now() - startedAt)} ms`);
    return 0;
  } catch {
    print('smoke test FAILED');
    return 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  void smoke(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
