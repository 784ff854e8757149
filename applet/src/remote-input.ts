/**
 * The technician's input as it crosses the data channel, and how it lands on
 * this computer. Positions are fractions of the video (0..1), so the console
 * need not know the real screen's size, and a HiDPI capture (more pixels than
 * points) still lands where the technician pointed.
 */

export type InputEvent =
  | { readonly type: 'move'; readonly x: number; readonly y: number }
  | {
      readonly type: 'button';
      readonly x: number;
      readonly y: number;
      readonly button: 'left' | 'middle' | 'right';
      readonly down: boolean;
    }
  | { readonly type: 'wheel'; readonly dx: number; readonly dy: number }
  | { readonly type: 'key'; readonly code: string; readonly modifiers: readonly Modifier[] };

export type Modifier = 'shift' | 'control' | 'alt' | 'meta';

/** What robotjs-style libraries offer; the real one is loaded only when control is granted. */
export interface InputDevice {
  getScreenSize(): { width: number; height: number };
  moveMouse(x: number, y: number): void;
  mouseToggle(down: 'down' | 'up', button: string): void;
  scrollMouse(x: number, y: number): void;
  keyTap(key: string, modifiers: string[]): void;
}

/** Larger messages are not input: refused before parsing. */
export const maxInputMessageLength = 256;

const buttons = new Set(['left', 'middle', 'right']);
const modifierNames = new Set<Modifier>(['shift', 'control', 'alt', 'meta']);

/** Checks one data-channel message field by field; anything else is `undefined` and dropped. */
export function parseInputEvent(text: unknown): InputEvent | undefined {
  if (typeof text !== 'string' || text.length > maxInputMessageLength) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as Record<string, unknown>;
  const fraction = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 1;
  const small = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= 10_000;
  switch (event.type) {
    case 'move':
      return fraction(event.x) && fraction(event.y) ? { type: 'move', x: event.x, y: event.y } : undefined;
    case 'button':
      if (
        !fraction(event.x) ||
        !fraction(event.y) ||
        typeof event.button !== 'string' ||
        !buttons.has(event.button) ||
        typeof event.down !== 'boolean'
      )
        return undefined;
      return { type: 'button', x: event.x, y: event.y, button: event.button as 'left', down: event.down };
    case 'wheel':
      return small(event.dx) && small(event.dy) ? { type: 'wheel', dx: event.dx, dy: event.dy } : undefined;
    case 'key': {
      if (typeof event.code !== 'string' || !Array.isArray(event.modifiers)) return undefined;
      const modifiers = event.modifiers.filter((name): name is Modifier => modifierNames.has(name as Modifier));
      return keyName(event.code, 'linux') === undefined ? undefined : { type: 'key', code: event.code, modifiers };
    }
    default:
      return undefined;
  }
}

const namedKeys: Readonly<Record<string, string>> = {
  Enter: 'enter',
  NumpadEnter: 'enter',
  Backspace: 'backspace',
  Tab: 'tab',
  Escape: 'escape',
  Space: 'space',
  Delete: 'delete',
  Insert: 'insert',
  Home: 'home',
  End: 'end',
  PageUp: 'pageup',
  PageDown: 'pagedown',
  ArrowUp: 'up',
  ArrowDown: 'down',
  ArrowLeft: 'left',
  ArrowRight: 'right',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Backquote: '`',
  Comma: ',',
  Period: '.',
  Slash: '/',
  CapsLock: 'capslock',
  PrintScreen: 'printscreen',
};

/**
 * `KeyboardEvent.code` names the physical key, independent of the
 * technician's layout; the customer's layout then decides the character, as
 * if the key on their own keyboard had been pressed.
 */
export function keyName(code: string, platform: NodeJS.Platform): string | undefined {
  const letter = /^Key([A-Z])$/.exec(code);
  if (letter) return letter[1]!.toLowerCase();
  const digit = /^(?:Digit|Numpad)([0-9])$/.exec(code);
  if (digit) return code.startsWith('Numpad') ? `numpad_${digit[1]}` : digit[1];
  const fn = /^F([1-9]|1[0-2])$/.exec(code);
  if (fn) return `f${fn[1]}`;
  if (platform === 'darwin' && code === 'Delete') return 'forward_delete';
  return namedKeys[code];
}

/** robotjs calls the Windows/Super/Command key "command" on every system. */
function modifierKey(modifier: Modifier): string {
  return modifier === 'meta' ? 'command' : modifier;
}

/** Applies checked events to the device; pressed buttons are remembered so ending control can let go of them. */
export class InputApplier {
  readonly #pressed = new Set<string>();

  constructor(
    private readonly device: InputDevice,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  apply(event: InputEvent): void {
    const size = this.device.getScreenSize();
    const at = (x: number, y: number) => this.device.moveMouse(Math.round(x * (size.width - 1)), Math.round(y * (size.height - 1)));
    switch (event.type) {
      case 'move':
        at(event.x, event.y);
        break;
      case 'button':
        at(event.x, event.y);
        this.device.mouseToggle(event.down ? 'down' : 'up', event.button);
        if (event.down) this.#pressed.add(event.button);
        else this.#pressed.delete(event.button);
        break;
      case 'wheel':
        // Browsers report pixels (about 100 a notch), positive downwards; the device scrolls in notches.
        this.device.scrollMouse(Math.round(event.dx / 100), -Math.round(event.dy / 100) || -Math.sign(event.dy));
        break;
      case 'key': {
        const key = keyName(event.code, this.platform);
        if (key) this.device.keyTap(key, event.modifiers.map(modifierKey));
        break;
      }
    }
  }

  /** Control ended: no button stays held down on the customer's screen. */
  releaseAll(): void {
    for (const button of this.#pressed) this.device.mouseToggle('up', button);
    this.#pressed.clear();
  }
}
