import { isLanguage, type Language } from './i18n.ts';

export interface AppletOptions {
  /** Connect without asking (unattended). */
  readonly yes: boolean;
  readonly ticket?: string;
  /** HTTP origin of the server, for a copy that has no server baked in. */
  readonly server?: string;
  readonly webSocketUrl?: string;
  readonly language?: Language;
  /** X11 only: the X display and screen to share and control (`:0.1`), instead of DISPLAY. */
  readonly display?: string;
}

export type ParsedArguments =
  | { readonly kind: 'run'; readonly options: AppletOptions }
  | { readonly kind: 'help'; readonly language?: Language }
  | { readonly kind: 'version' }
  | { readonly kind: 'invalid'; readonly problem: string; readonly language?: Language };

/** Same alphabet and length as the tickets the server issues (base64url, at least 128 bits). */
export const ticketPattern = /^[A-Za-z0-9_-]{22,64}$/;

const valueOptions = new Set(['--ticket', '--server', '--ws-url', '--lang', '--display']);

/** An X display name: optional host, display number, optional screen (`:0`, `:1.1`, `host:0.0`). */
const xDisplayPattern = /^[A-Za-z0-9._-]*:[0-9]{1,4}(\.[0-9]{1,2})?$/;

/** Parses the applet's own arguments (process.argv without node and the script). */
export function parseArguments(args: readonly string[]): ParsedArguments {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let index = 0; index < args.length; index++) {
    const argument = args[index] ?? '';
    const [name = '', inlineValue] =
      argument.startsWith('--') && argument.includes('=')
        ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)]
        : [argument, undefined];
    if (valueOptions.has(name)) {
      const value = inlineValue ?? args[++index];
      if (value === undefined || (inlineValue === undefined && value.startsWith('-'))) {
        return invalid(`${name} needs a value`, values);
      }
      values.set(name, value);
    } else if (['-y', '--yes', '-h', '--help', '--version'].includes(name) && inlineValue === undefined) {
      flags.add(name.replace(/^-y$/, '--yes').replace(/^-h$/, '--help'));
    } else if (name.startsWith('-')) {
      return invalid(`unknown option ${name}`, values);
    } else {
      return invalid(`unexpected argument "${argument}"`, values);
    }
  }

  const lang = values.get('--lang');
  if (lang !== undefined && !isLanguage(lang)) return invalid('--lang must be de or en', values);
  const language = lang;
  if (flags.has('--help')) return { kind: 'help', language };
  if (flags.has('--version')) return { kind: 'version' };

  const ticket = values.get('--ticket');
  if (ticket !== undefined && !ticketPattern.test(ticket)) {
    return invalid('--ticket must be 22 to 64 characters of A-Z, a-z, 0-9, "-" and "_"', values);
  }
  const server = values.get('--server');
  if (server !== undefined && !hasScheme(server, ['http:', 'https:'])) {
    return invalid('--server must be an http:// or https:// URL', values);
  }
  const webSocketUrl = values.get('--ws-url');
  if (webSocketUrl !== undefined && !hasScheme(webSocketUrl, ['ws:', 'wss:'])) {
    return invalid('--ws-url must be a ws:// or wss:// URL', values);
  }
  const display = values.get('--display');
  if (display !== undefined && !xDisplayPattern.test(display)) {
    return invalid('--display must be an X display such as :0 or :0.1', values);
  }
  return { kind: 'run', options: { yes: flags.has('--yes'), ticket, server, webSocketUrl, language, ...(display ? { display } : {}) } };
}

function invalid(problem: string, values: ReadonlyMap<string, string>): ParsedArguments {
  const lang = values.get('--lang');
  return { kind: 'invalid', problem, language: lang !== undefined && isLanguage(lang) ? lang : undefined };
}

function hasScheme(value: string, schemes: readonly string[]): boolean {
  try {
    return schemes.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
