/**
 * Remote control from the console, while an app's screen is shown: Request
 * control asks the customer (over the signaling socket, so the server logs
 * it); once granted, pointer, wheel and keys on the video go over the
 * session's WebRTC data channel, positions as fractions of the picture so the
 * app scales them to its real screen. The app refuses input it has not
 * granted; this side also stops sending the moment control ends.
 */
import type { ScreenSignal } from '../../../contracts/schemas/screen.ts';
import type { ViewContext } from './context.ts';
import { h, setText } from './dom.ts';

type ControlPhase = 'off' | 'requested' | 'granted';
type ControlOutcome = 'declined' | 'revoked' | 'released' | undefined;

export interface RemoteControlActions {
  readonly signal: (signal: ScreenSignal) => boolean;
}

/** Where on the picture (not the letterboxed element) the pointer is, as 0..1 fractions; undefined outside it. */
export function pictureFraction(
  clientX: number,
  clientY: number,
  box: { left: number; top: number; width: number; height: number },
  video: { width: number; height: number },
): { x: number; y: number } | undefined {
  if (video.width <= 0 || video.height <= 0 || box.width <= 0 || box.height <= 0) return undefined;
  const scale = Math.min(box.width / video.width, box.height / video.height);
  const width = video.width * scale;
  const height = video.height * scale;
  const x = (clientX - box.left - (box.width - width) / 2) / width;
  const y = (clientY - box.top - (box.height - height) / 2) / height;
  if (x < 0 || y < 0 || x > 1 || y > 1) return undefined;
  return { x, y };
}

const pointerButtons = ['left', 'middle', 'right'] as const;
/** Moves are thinned to one per animation frame's worth; clicks and keys always go. */
const moveIntervalMs = 16;

export class RemoteControl {
  readonly element: HTMLElement;
  readonly #request: HTMLButtonElement;
  readonly #release: HTMLButtonElement;
  readonly #status: HTMLParagraphElement;
  #phase: ControlPhase = 'off';
  #outcome: ControlOutcome;
  #channel: RTCDataChannel | undefined;
  #available = false;
  #lastMove = 0;
  readonly #detach: (() => void)[] = [];

  constructor(
    private readonly ctx: ViewContext,
    private readonly video: HTMLVideoElement,
    private readonly customerName: () => string,
    private readonly actions: RemoteControlActions,
  ) {
    const { t } = ctx;
    this.#request = h('button', { type: 'button', class: 'secondary', onclick: () => this.request() }, t('requestControl'));
    this.#release = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => this.release() }, t('releaseControl'));
    this.#status = h('p', { class: 'hint', role: 'status' });
    this.element = h('div', { class: 'remote-control', hidden: true }, this.#request, this.#release, this.#status);
    this.#listen();
  }

  /** The app's data channel: control exists only while the screen comes from the app. */
  attach(channel: RTCDataChannel): void {
    this.#channel = channel;
    this.#available = true;
    channel.addEventListener('close', () => {
      if (this.#channel === channel) this.reset();
    });
    this.#render();
  }

  /** The view ended (stop, failure, session end): control ends with it. */
  reset(): void {
    this.#channel = undefined;
    this.#available = false;
    this.#phase = 'off';
    this.#outcome = undefined;
    this.#render();
  }

  request(): void {
    if (this.#phase !== 'off' || !this.#available) return;
    if (!this.actions.signal({ kind: 'control_request' })) return;
    this.#phase = 'requested';
    this.#outcome = undefined;
    this.#render();
  }

  release(): void {
    if (this.#phase === 'off') return;
    this.#phase = 'off';
    this.#outcome = 'released';
    this.actions.signal({ kind: 'control_release' });
    this.#render();
    this.#request.focus();
  }

  received(signal: ScreenSignal): void {
    switch (signal.kind) {
      case 'control_grant':
        if (this.#phase === 'requested') this.#phase = 'granted';
        break;
      case 'control_decline':
        this.#phase = 'off';
        this.#outcome = 'declined';
        break;
      case 'control_revoke':
        this.#phase = 'off';
        this.#outcome = 'revoked';
        this.ctx.announce(this.ctx.t('control.revoked', { name: this.customerName() }), 'assertive');
        break;
      default:
        return;
    }
    this.#render();
  }

  #send(event: Record<string, unknown>): void {
    const channel = this.#channel;
    if (this.#phase !== 'granted' || !channel || channel.readyState !== 'open') return;
    channel.send(JSON.stringify(event));
  }

  #at(event: MouseEvent): { x: number; y: number } | undefined {
    const box = this.video.getBoundingClientRect();
    return pictureFraction(event.clientX, event.clientY, box, { width: this.video.videoWidth, height: this.video.videoHeight });
  }

  #listen(): void {
    const video = this.video;
    const on = <K extends keyof HTMLElementEventMap>(type: K, handler: (event: HTMLElementEventMap[K]) => void) => {
      video.addEventListener(type, handler);
      this.#detach.push(() => video.removeEventListener(type, handler));
    };
    on('pointermove', (event) => {
      if (this.#phase !== 'granted' || event.timeStamp - this.#lastMove < moveIntervalMs) return;
      this.#lastMove = event.timeStamp;
      const at = this.#at(event);
      if (at) this.#send({ type: 'move', ...at });
    });
    const button = (down: boolean) => (event: PointerEvent) => {
      if (this.#phase !== 'granted') return;
      event.preventDefault();
      // Keys go to the video from now on, not to the page around it.
      if (down) video.focus({ preventScroll: true });
      const at = this.#at(event);
      const name = pointerButtons[event.button];
      if (at && name) this.#send({ type: 'button', ...at, button: name, down });
    };
    on('pointerdown', button(true));
    on('pointerup', button(false));
    on('contextmenu', (event) => {
      if (this.#phase === 'granted') event.preventDefault();
    });
    on('wheel', (event) => {
      if (this.#phase !== 'granted') return;
      event.preventDefault();
      const lines = event.deltaMode === 1 ? 100 : event.deltaMode === 2 ? 800 : 1;
      this.#send({ type: 'wheel', dx: event.deltaX * lines, dy: event.deltaY * lines });
    });
    on('keydown', (event) => {
      if (this.#phase !== 'granted' || ['Shift', 'Control', 'Alt', 'Meta'].includes(event.key)) return;
      event.preventDefault();
      const modifiers = [event.shiftKey && 'shift', event.ctrlKey && 'control', event.altKey && 'alt', event.metaKey && 'meta'].filter(
        Boolean,
      );
      this.#send({ type: 'key', code: event.code, modifiers });
    });
  }

  #render(): void {
    const { t } = this.ctx;
    const name = this.customerName();
    this.element.hidden = !this.#available;
    this.#request.hidden = this.#phase !== 'off';
    this.#release.hidden = this.#phase === 'off';
    // Focusable only while it controls, so Tab order stays as it was for a view-only screen.
    this.video.tabIndex = this.#phase === 'granted' ? 0 : -1;
    this.video.classList.toggle('controlled', this.#phase === 'granted');
    const line =
      this.#phase === 'requested'
        ? t('control.requested', { name })
        : this.#phase === 'granted'
          ? t('control.granted', { name })
          : this.#outcome === 'declined'
            ? t('control.declined', { name })
            : this.#outcome === 'revoked'
              ? t('control.revoked', { name })
              : this.#outcome === 'released'
                ? t('control.released')
                : '';
    setText(this.#status, line);
  }
}
