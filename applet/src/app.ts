import os from 'node:os';
import path from 'node:path';
import { defaultBackoffPolicy } from './backoff.ts';
import { appletVersion, bakedServerConfigText } from './build-constants.ts';
import { parseArguments } from './cli.ts';
import { ReconnectingConnection } from './connection.ts';
import { detectLanguage, messagesFor, type Language, type Messages } from './i18n.ts';
import { outputLine } from './output.ts';
import { connectUrl, displayHost, resolveServer, resolveTicket } from './server.ts';
import { platformLimits, screenMessagesFor } from './screen-messages.ts';
import { AppScreenShare } from './screen-share.ts';
import { CustomerSession } from './session.ts';
import { collectSystemInfo, intlFacts } from './system-info.ts';
import { createTerminal, type Terminal } from './terminal.ts';
import { webSocketTransport } from './ws-transport.ts';

export const exitCodes = {
  closed: 0,
  notConnected: 1,
  usage: 2,
  ticketRejected: 3,
  gaveUp: 4,
  interrupted: 130,
  terminated: 143,
} as const;

export interface AppletProcess {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  onSignal(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  /** Set when this runs as the native support app: its own file carries the ticket, not argv[1]. */
  readonly nativeApp?: { readonly executablePath: string };
}

/** Runs the applet to its end and returns the exit code (see docs/applet.md). */
export async function runApplet(host: AppletProcess): Promise<number> {
  const parsed = parseArguments(host.argv.slice(2));
  const facts = intlFacts();
  const language = ('language' in parsed ? parsed.language : undefined) ?? detectLanguage(host.env, facts.locale);
  const messages = messagesFor(language);
  const command = commandName(host);
  const writeError = (text: string) => host.stderr.write(`${text}\n`);

  switch (parsed.kind) {
    case 'help':
      host.stdout.write(`${messages.usage(command)}\n`);
      return exitCodes.closed;
    case 'version':
      host.stdout.write(`${appletVersion()}\n`);
      return exitCodes.closed;
    case 'invalid':
      writeError(messages.invalidArguments(parsed.problem));
      writeError(messages.usage(command));
      return exitCodes.usage;
  }

  const { options } = parsed;
  const ticket = resolveTicket(options, host.nativeApp?.executablePath ?? host.argv[1]);
  if (!ticket) {
    writeError(messages.noTicket);
    return exitCodes.usage;
  }
  const server = resolveServer(options, bakedServerConfigText());
  if (!server) {
    writeError(messages.noServer);
    return exitCodes.usage;
  }

  const terminal = createTerminal(host.stdin, host.stdout, host.stderr);
  let interrupt: (code: number) => void = () => undefined;
  const interrupted = new Promise<number>((resolve) => {
    interrupt = (code) => {
      terminal.printError(messages.interrupted);
      resolve(code);
    };
  });
  host.onSignal('SIGINT', () => interrupt(exitCodes.interrupted));
  host.onSignal('SIGTERM', () => interrupt(exitCodes.terminated));
  terminal.onInterrupt(() => interrupt(exitCodes.interrupted));

  try {
    if (!options.yes) {
      terminal.print(messages.willConnectTo(displayHost(server)));
      const answer = await Promise.race([terminal.ask(messages.confirmQuestion), interrupted]);
      if (typeof answer === 'number') return answer;
      if (answer === undefined || !messages.acceptsAnswer(answer)) {
        terminal.print(messages.declined);
        return exitCodes.notConnected;
      }
    }
    terminal.print(outputLine.connecting(displayHost(server)));
    const screen = { yes: options.yes, language, env: host.env, display: options.display };
    return await Promise.race([
      runSession(terminal, messages, { webSocketUrl: server.webSocketUrl, ticket }, interrupted, screen),
      interrupted,
    ]);
  } finally {
    terminal.close();
  }
}

/** How the customer starts this program, for the usage text. */
function commandName(host: AppletProcess): string {
  if (!host.nativeApp) return `node ${path.basename(host.argv[1] ?? 'RemoteSupport.cjs')}`;
  const name = path.basename(host.nativeApp.executablePath);
  return name.toLowerCase().endsWith('.exe') ? name : `./${name}`;
}

/** Connects and runs the session until it ends; an interrupt closes the socket without ending the session. */
function runSession(
  terminal: Terminal,
  messages: Messages,
  target: { readonly webSocketUrl: string; readonly ticket: string },
  interrupted: Promise<number>,
  screenOptions: {
    readonly yes: boolean;
    readonly language: Language;
    readonly env: Readonly<Record<string, string | undefined>>;
    /** --display: the X display to share instead of DISPLAY. */
    readonly display?: string;
  },
): Promise<number> {
  // Tickets are single-use: each connect spends one and the service's reply carries the next.
  let ticket = target.ticket;
  return new Promise<number>((resolve) => {
    const version = appletVersion();
    const done = (code: number) => {
      screen.end();
      connection.stop();
      resolve(code);
    };
    const xDisplay = screenOptions.display ?? screenOptions.env.DISPLAY;
    const limits = platformLimits(process.platform, { ...screenOptions.env, DISPLAY: xDisplay }, screenOptions.language);
    const screenMessages = screenMessagesFor(screenOptions.language);
    const screen: AppScreenShare = new AppScreenShare(
      {
        send: (signal): boolean => session.sendScreenSignal(signal),
        print: (line) => terminal.print(line),
        ask: async (question) => {
          if (limits) terminal.print(limits);
          if (screenOptions.yes) {
            terminal.print(`${question}yes (--yes)`);
            return true;
          }
          const answer = await terminal.ask(question);
          return answer !== undefined && messages.acceptsAnswer(answer);
        },
        loadMedia: async () => {
          if (process.platform !== 'linux' && screenOptions.display) throw new Error(screenMessages.displayChoiceUnsupported);
          if (process.platform === 'linux' && !xDisplay) throw new Error(limits ?? 'no X server');
          return (await import('./screen-media.ts')).loadScreenMedia(process.platform === 'linux' ? xDisplay : undefined);
        },
      },
      screenMessages,
    );
    const session = new CustomerSession(
      {
        print: (line) => terminal.print(line),
        send: (message) => connection.send(JSON.stringify(message)),
        finish: done,
        setTimeout: (callback, ms) => setTimeout(callback, ms),
        ticketRenewed: (renewed) => {
          ticket = renewed;
        },
        systemInfo: () => collectSystemInfo(os, { ...intlFacts(), appletVersion: version, nodeVersion: process.version }),
      },
      messages,
      screen,
    );
    // Referenced by the session's ports above, which run only after start().
    const connection = new ReconnectingConnection({
      url: () => connectUrl(target.webSocketUrl, ticket),
      transport: webSocketTransport({ userAgent: `RemoteSupportApplet/${version} Node.js/${process.version}` }),
      listener: {
        connected: (isReconnect) => session.connected(isReconnect),
        message: (text) => session.received(text),
        lost: () => terminal.print(outputLine.connectionLost),
        unreachable: () => terminal.print(outputLine.serverUnreachable),
        rejected: () => {
          terminal.printError(messages.ticketRejected);
          done(exitCodes.ticketRejected);
        },
        gaveUp: () => {
          terminal.printError(messages.gaveUp(defaultBackoffPolicy.giveUpAfterMs / 1000));
          done(exitCodes.gaveUp);
        },
      },
    });
    terminal.onLine((line) => session.typed(line));
    void interrupted.then(() => connection.stop());
    connection.start();
  });
}
