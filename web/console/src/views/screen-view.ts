/**
 * The technician's side of a screen view: View screen asks the customer,
 * whose page answers with an offer once they agreed; this side answers, plays
 * the stream in a labelled video scaled to fit, offers full screen, and shows
 * live figures from getStats(). Stop viewing, the customer's stop and the
 * session's end all land in one `#end`.
 */
import { iceConfigurationSchema, type ScreenSignal } from '../../../../contracts/schemas/screen.ts';
import { iceGatheringComplete } from '../../../shared/ice-gathering.ts';
import type { ViewContext } from '../context.ts';
import { h, setText, uniqueId } from '../dom.ts';
import { RemoteControl } from '../remote-control.ts';

export interface ScreenViewActions {
  /** Returns false when the live connection is down. */
  readonly signal: (signal: ScreenSignal) => boolean;
}

type Phase = 'idle' | 'requested' | 'connecting' | 'live';
type Outcome = 'declined' | 'stopped' | 'failed' | undefined;

const statsIntervalMs = 1000;

export class ScreenView {
  readonly element: HTMLElement;
  readonly #view: HTMLButtonElement;
  readonly #stop: HTMLButtonElement;
  readonly #fullScreen: HTMLButtonElement;
  readonly #video: HTMLVideoElement;
  readonly #frame: HTMLDivElement;
  readonly #status: HTMLParagraphElement;
  readonly #stats: HTMLParagraphElement;
  readonly #control: RemoteControl;
  #phase: Phase = 'idle';
  #outcome: Outcome;
  #connection: RTCPeerConnection | undefined;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #available = false;

  constructor(
    private readonly ctx: ViewContext,
    private readonly sessionId: string,
    private readonly customerName: () => string,
    private readonly actions: ScreenViewActions,
  ) {
    const { t } = ctx;
    const headingId = uniqueId('screen-heading');
    this.#view = h('button', { type: 'button', class: 'primary', onclick: () => this.request() }, t('viewScreen'));
    this.#stop = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => this.stop() }, t('stopViewing'));
    this.#fullScreen = h(
      'button',
      { type: 'button', class: 'secondary', hidden: true, onclick: () => void this.#frame.requestFullscreen?.() },
      t('fullScreen'),
    );
    this.#video = h('video', { 'aria-label': t('customersScreen'), autoplay: true, playsinline: true, muted: true, class: 'screen-video' });
    this.#video.muted = true;
    this.#frame = h('div', { class: 'screen-frame', hidden: true }, this.#video);
    this.#status = h('p', { class: 'hint', role: 'status' });
    this.#stats = h('p', { class: 'screen-stats hint' });
    this.#control = new RemoteControl(ctx, this.#video, customerName, actions);
    this.element = h(
      'section',
      { class: 'screen', 'aria-labelledby': headingId, hidden: true },
      h('h3', { id: headingId }, t('screenHeading')),
      h('div', { class: 'screen-actions' }, this.#view, this.#stop, this.#fullScreen),
      this.#status,
      this.#control.element,
      this.#frame,
      this.#stats,
    );
  }

  /** Screen view exists only on active sessions; anything else ends a running one. */
  setAvailable(available: boolean): void {
    this.#available = available;
    this.element.hidden = !available;
    if (!available && this.#phase !== 'idle') this.#end(undefined);
    this.#render();
  }

  request(): void {
    if (this.#phase !== 'idle' || !this.#available) return;
    this.#outcome = undefined;
    if (!this.actions.signal({ kind: 'request' })) return;
    this.#phase = 'requested';
    this.#render();
  }

  stop(): void {
    if (this.#phase === 'idle') return;
    this.actions.signal({ kind: 'stop' });
    this.#end('stopped');
    this.#view.focus();
  }

  /** A signal from the customer's page; the server has checked it belongs to this session. */
  received(signal: ScreenSignal): void {
    switch (signal.kind) {
      case 'share':
        if (this.#phase === 'requested') this.#phase = 'connecting';
        break;
      case 'decline':
        this.#end('declined');
        break;
      case 'offer':
        void this.#answer(signal.sdp);
        break;
      case 'stop':
        this.#end('stopped');
        break;
      default:
        this.#control.received(signal);
        break;
    }
    this.#render();
  }

  /** The service refused a signal (the page closed, the session ended): nothing is coming. */
  refused(): void {
    if (this.#phase === 'requested') this.#end('failed');
  }

  dispose(): void {
    this.#end(undefined);
  }

  async #answer(sdp: string): Promise<void> {
    if (this.#phase === 'idle') return;
    this.#phase = 'connecting';
    try {
      const configuration = iceConfigurationSchema.parse(await this.ctx.api.iceServers(this.sessionId));
      this.#connection?.close();
      const connection = new RTCPeerConnection(configuration);
      this.#connection = connection;
      connection.addEventListener('track', (event) => {
        this.#video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
        // autoplay alone is not enough where the element was hidden when the stream arrived.
        void this.#video.play().catch(() => undefined);
        this.#phase = 'live';
        this.#render();
        this.#startStats(connection);
      });
      // Only the support app opens this channel; a browser's share has none, so no Request control.
      connection.addEventListener('datachannel', (event) => this.#control.attach(event.channel));
      connection.addEventListener('connectionstatechange', () => {
        if (connection.connectionState === 'failed' && this.#connection === connection) {
          this.actions.signal({ kind: 'stop' });
          this.#end('failed');
        }
      });
      await connection.setRemoteDescription({ type: 'offer', sdp });
      await connection.setLocalDescription(await connection.createAnswer());
      await iceGatheringComplete(connection);
      if (this.#connection !== connection || !connection.localDescription) return;
      this.actions.signal({ kind: 'answer', sdp: connection.localDescription.sdp });
    } catch {
      this.actions.signal({ kind: 'stop' });
      this.#end('failed');
    }
  }

  #startStats(connection: RTCPeerConnection): void {
    clearInterval(this.#statsTimer);
    this.#statsTimer = setInterval(() => void this.#readStats(connection), statsIntervalMs);
  }

  async #readStats(connection: RTCPeerConnection): Promise<void> {
    if (this.#connection !== connection) return;
    const report = await connection.getStats();
    let width = this.#video.videoWidth;
    let height = this.#video.videoHeight;
    let fps = 0;
    let rtt: number | undefined;
    report.forEach((entry: Record<string, unknown>) => {
      if (entry.type === 'inbound-rtp' && entry.kind === 'video') {
        width = Number(entry.frameWidth ?? width);
        height = Number(entry.frameHeight ?? height);
        fps = Number(entry.framesPerSecond ?? 0);
      }
      if (entry.type === 'candidate-pair' && entry.nominated === true && typeof entry.currentRoundTripTime === 'number') {
        rtt = entry.currentRoundTripTime * 1000;
      }
    });
    setText(
      this.#stats,
      this.ctx.t('screen.stats', { width, height, fps: Math.round(fps), rtt: rtt === undefined ? '–' : Math.round(rtt) }),
    );
  }

  #end(outcome: Outcome): void {
    this.#control.reset();
    clearInterval(this.#statsTimer);
    this.#statsTimer = undefined;
    this.#connection?.close();
    this.#connection = undefined;
    this.#video.srcObject = null;
    if (document.fullscreenElement === this.#frame) void document.exitFullscreen().catch(() => undefined);
    const wasRunning = this.#phase !== 'idle';
    this.#phase = 'idle';
    if (wasRunning || outcome === 'declined') this.#outcome = outcome;
    setText(this.#stats, '');
    this.#render();
  }

  #render(): void {
    const { t } = this.ctx;
    const name = this.customerName();
    this.#view.hidden = this.#phase !== 'idle';
    this.#view.disabled = !this.#available;
    this.#stop.hidden = this.#phase === 'idle';
    this.#fullScreen.hidden = this.#phase !== 'live';
    this.#frame.hidden = this.#phase !== 'live';
    const line =
      this.#phase === 'requested'
        ? t('screen.requested', { name })
        : this.#phase === 'connecting'
          ? t('screen.connecting')
          : this.#phase === 'live'
            ? t('screen.live', { name })
            : this.#outcome === 'declined'
              ? t('screen.declined', { name })
              : this.#outcome === 'failed'
                ? t('screen.failed')
                : this.#outcome === 'stopped'
                  ? t('screen.stopped')
                  : '';
    setText(this.#status, line);
  }
}
