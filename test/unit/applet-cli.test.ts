import { describe, expect, it } from '@jest/globals';
import { parseArguments } from '../../applet/src/cli.ts';
import { detectLanguage } from '../../applet/src/i18n.ts';
import { connectUrl, displayHost, resolveServer, resolveTicket } from '../../applet/src/server.ts';
import {
  appletFileName,
  decodeServerConfig,
  encodeServerConfig,
  ticketFromFileName,
  webSocketUrlForOrigin,
} from '../../applet/server-config.ts';

const ticket = 'Q2xhdWRlIHdhcyBoZXJlIQ_-x9';

describe('applet arguments', () => {
  it('runs with defaults when given nothing', () => {
    expect(parseArguments([])).toEqual({ kind: 'run', options: { yes: false } });
  });

  it('reads every option, in both --name value and --name=value form', () => {
    const parsed = parseArguments([
      '-y',
      '--ticket',
      ticket,
      '--server=http://127.0.0.1:3000',
      '--ws-url',
      'ws://127.0.0.1:3000/ws',
      '--lang=de',
    ]);
    expect(parsed).toEqual({
      kind: 'run',
      options: { yes: true, ticket, server: 'http://127.0.0.1:3000', webSocketUrl: 'ws://127.0.0.1:3000/ws', language: 'de' },
    });
  });

  it('takes an X display to share with --display (host, display number, screen)', () => {
    expect(parseArguments(['--display', ':1.1'])).toEqual({ kind: 'run', options: { yes: false, display: ':1.1' } });
    expect(parseArguments(['--display=workstation:0'])).toEqual({ kind: 'run', options: { yes: false, display: 'workstation:0' } });
  });

  it('answers --help and --version before anything else', () => {
    expect(parseArguments(['--ticket', 'short', '--help'])).toEqual({ kind: 'help', language: undefined });
    expect(parseArguments(['--bogus', '--help']).kind).toBe('invalid');
    expect(parseArguments(['-h', '--lang', 'de'])).toEqual({ kind: 'help', language: 'de' });
    expect(parseArguments(['--version'])).toEqual({ kind: 'version' });
  });

  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['-x'], 'unknown option -x'],
    [['extra'], 'unexpected argument "extra"'],
    [['--ticket'], '--ticket needs a value'],
    [['--ticket', '--yes'], '--ticket needs a value'],
    [['--yes=1'], 'unknown option --yes'],
    [['--ticket', 'has spaces in it but is long enough'], '--ticket must be'],
    [['--ticket', 'tooShort'], '--ticket must be'],
    [['--server', 'ftp://example.com'], '--server must be an http:// or https:// URL'],
    [['--server', 'not a url'], '--server must be'],
    [['--ws-url', 'http://example.com/ws'], '--ws-url must be a ws:// or wss:// URL'],
    [['--display', '0'], '--display must be an X display such as :0 or :0.1'],
    [['--display', ':0.1; rm -rf /'], '--display must be'],
    [['--lang', 'fr'], '--lang must be de or en'],
  ])('rejects %j with a clear problem', (args, problem) => {
    const parsed = parseArguments(args);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.problem).toContain(problem);
  });
});

describe('ticket discovery', () => {
  it.each([
    [`RemoteSupport_${ticket}.cjs`, ticket],
    [`RemoteSupport_${ticket} (1).cjs`, ticket],
    [`RemoteSupport_${ticket}(2).cjs`, ticket],
    [`RemoteSupport_${ticket}.js`, ticket],
    [`/home/kunde/Downloads/RemoteSupport_${ticket}.cjs`, ticket],
    [`C:\\Users\\Kunde\\Downloads\\RemoteSupport_${ticket} (3).cjs`, ticket],
    ['RemoteSupport.cjs', undefined],
    ['RemoteSupport_short.cjs', undefined],
    [`RemoteSupport_${ticket}.cjs.txt`, undefined],
    // The native apps: Windows keeps .exe, macOS and Linux have no extension.
    [`RemoteSupport_${ticket}.exe`, ticket],
    [`C:\\Users\\Kunde\\Downloads\\RemoteSupport_${ticket} (1).exe`, ticket],
    [`/Users/kunde/Downloads/RemoteSupport_${ticket}`, ticket],
    [`/home/kunde/Downloads/RemoteSupport_${ticket} (2)`, ticket],
    [`RemoteSupport_${ticket}.exe.txt`, undefined],
    ['RemoteSupport', undefined],
  ])('finds the ticket in %s', (scriptPath, expected) => {
    expect(resolveTicket({ yes: true }, scriptPath)).toBe(expected);
  });

  it('reads back the name the server gives the download, for every platform', () => {
    expect(ticketFromFileName(appletFileName('RemoteSupport', ticket))).toBe(ticket);
    for (const platform of ['node', 'windows-x64', 'macos-arm64', 'macos-x64', 'linux-x64', 'linux-arm64']) {
      expect(ticketFromFileName(appletFileName('RemoteSupport', ticket, platform))).toBe(ticket);
    }
    expect(appletFileName('RemoteSupport', ticket, 'windows-x64')).toBe(`RemoteSupport_${ticket}.exe`);
    expect(appletFileName('RemoteSupport', ticket, 'macos-arm64')).toBe(`RemoteSupport_${ticket}`);
  });

  it('lets --ticket override the file name', () => {
    const other = 'b'.repeat(22);
    expect(resolveTicket({ yes: true, ticket: other }, `RemoteSupport_${ticket}.cjs`)).toBe(other);
    expect(resolveTicket({ yes: true }, undefined)).toBeUndefined();
  });
});

describe('server config', () => {
  const baked = { httpOrigin: 'https://support.example.com', webSocketUrl: 'wss://abc.execute-api.eu-central-1.amazonaws.com/prod' };

  it('uses the config the download carries', () => {
    expect(resolveServer({ yes: true }, encodeServerConfig(baked))).toEqual(baked);
    expect(displayHost(baked)).toBe('support.example.com');
  });

  it('treats the untouched placeholder or a damaged config as no config', () => {
    expect(resolveServer({ yes: true }, '__REMOTE_SUPPORT_SERVER_CONFIG__')).toBeUndefined();
    expect(resolveServer({ yes: true }, undefined)).toBeUndefined();
    expect(decodeServerConfig(Buffer.from('{"httpOrigin":"https://x"}').toString('base64'))).toBeUndefined();
    expect(decodeServerConfig(Buffer.from('not json').toString('base64'))).toBeUndefined();
    expect(decodeServerConfig(encodeServerConfig({ httpOrigin: 'javascript:alert(1)', webSocketUrl: 'wss://x' }))).toBeUndefined();
  });

  it('derives the WebSocket URL from --server, which beats the baked config', () => {
    expect(resolveServer({ yes: true, server: 'http://127.0.0.1:3000' }, encodeServerConfig(baked))).toEqual({
      httpOrigin: 'http://127.0.0.1:3000',
      webSocketUrl: 'ws://127.0.0.1:3000/ws',
    });
    expect(webSocketUrlForOrigin('https://support.example.com/')).toBe('wss://support.example.com/ws');
  });

  it('takes --ws-url as given', () => {
    expect(resolveServer({ yes: true, webSocketUrl: 'wss://ws.example.com/prod' }, undefined)).toEqual({
      httpOrigin: 'https://ws.example.com',
      webSocketUrl: 'wss://ws.example.com/prod',
    });
  });

  it('puts the ticket in the query, escaped', () => {
    expect(connectUrl('ws://127.0.0.1:3000/ws', ticket)).toBe(`ws://127.0.0.1:3000/ws?ticket=${ticket}`);
    expect(connectUrl('wss://x.example/prod?stage=1', 'a&b')).toBe('wss://x.example/prod?stage=1&ticket=a%26b');
  });
});

describe('language', () => {
  it.each([
    [{ LANG: 'de_DE.UTF-8' }, 'en-US', 'de'],
    [{ LC_ALL: 'en_US.UTF-8', LANG: 'de_DE.UTF-8' }, 'de-DE', 'en'],
    [{ LANG: 'C.UTF-8' }, 'de-AT', 'de'],
    [{ LANG: 'POSIX' }, 'en-GB', 'en'],
    [{}, 'de-CH', 'de'],
    [{}, undefined, 'en'],
  ])('env %j with Intl locale %s speaks %s', (env, intlLocale, expected) => {
    expect(detectLanguage(env, intlLocale)).toBe(expected);
  });
});
