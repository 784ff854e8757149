/**
 * The app's side of screen view and remote control: asks the customer, then
 * captures the screen itself and streams it over WebRTC; with a second yes,
 * applies the technician's input from the session's data channel. Input is
 * applied only while control is granted at that moment: the grant is this
 * object's own state, set by the customer's answer and cleared by release,
 * revoke (typing `stop`), the end of the view and the end of the session.
 */
import type { IceConfiguration, ScreenSignal } from '../../contracts/schemas/screen.ts';
import { InputApplier, parseInputEvent, type InputDevice } from './remote-input.ts';
import type { ScreenMessages } from './screen-messages.ts';

/** The parts of @roamhq/wrtc used here (loaded only on the first yes). */
export interface WebRtc {
  readonly RTCPeerConnection: new (configuration?: unknown) => PeerConnection;
  readonly MediaStream: new (tracks: unknown[]) => unknown;
  readonly nonstandard: {
    readonly RTCVideoSource: new (init?: { isScreencast?: boolean }) => VideoSource;
    readonly rgbaToI420: (source: Frame, target: Frame) => void;
  };
}

interface Frame {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

interface VideoSource {
  createTrack(): { stop(): void };
  onFrame(frame: Frame): void;
}

export interface DataChannel {
  readyState: string;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

export interface PeerConnection {
  iceGatheringState: string;
  connectionState: string;
  localDescription: { sdp: string } | null;
  onicegatheringstatechange: (() => void) | null;
  onconnectionstatechange: (() => void) | null;
  addTrack(track: unknown, stream: unknown): unknown;
  createDataChannel(label: string, options?: unknown): DataChannel;
  createOffer(): Promise<{ type: string; sdp: string }>;
  setLocalDescription(description: { type: string; sdp: string }): Promise<void>;
  setRemoteDescription(description: { type: string; sdp: string }): Promise<void>;
  close(): void;
}

/**
 * A robotjs-style screen: BGRA pixels, `byteWidth` bytes per row. The raw
 * binding's captureScreen, not robotjs' `screen.capture` wrapper: that one
 * assigns an undeclared variable, which throws in the bundle's strict mode.
 */
export interface ScreenCapturer extends InputDevice {
  captureScreen(): { width: number; height: number; byteWidth: number; image: Uint8Array };
}

export interface ScreenShareMedia {
  readonly webrtc: WebRtc;
  readonly screen: ScreenCapturer;
}

export interface ScreenSharePorts {
  send(signal: ScreenSignal): boolean;
  print(line: string): void;
  /** A yes/no question to the customer (`--yes` answers yes). */
  ask(question: string): Promise<boolean>;
  /** The native libraries; throws with a customer-readable reason where they cannot work. */
  loadMedia(): Promise<ScreenShareMedia>;
}

/** Frames per second captured; the benchmark measures what arrives. */
export const captureFramesPerSecond = 20;
/** Gathering waits at most this long (like the browser sides), then sends what it has. */
const iceGatheringCapMs = 4000;
export const controlChannelLabel = 'control';

type Phase = 'idle' | 'asking' | 'sharing';

export class AppScreenShare {
  #phase: Phase = 'idle';
  #technician = 'The technician';
  #connection: PeerConnection | undefined;
  #channel: DataChannel | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopTrack: (() => void) | undefined;
  #controlGranted = false;
  #askingControl = false;
  #applier: InputApplier | undefined;
  /** The customer is told once per ungranted stretch that input was refused, not once per event. */
  #refusalShown = false;
  /** Bumped on every end, so an answer or offer that arrives late belongs to nothing. */
  #generation = 0;
  /** From the latest screen request; without one (an older server), host candidates only. */
  #iceConfiguration: IceConfiguration = { iceServers: [] };

  constructor(
    private readonly ports: ScreenSharePorts,
    private readonly messages: ScreenMessages,
  ) {}

  get controlGranted(): boolean {
    return this.#controlGranted;
  }

  get sharing(): boolean {
    return this.#phase === 'sharing';
  }

  received(signal: ScreenSignal, technicianName: string | undefined, iceConfiguration?: IceConfiguration): void {
    if (technicianName) this.#technician = technicianName;
    switch (signal.kind) {
      case 'request':
        if (this.#phase === 'idle') this.#iceConfiguration = iceConfiguration ?? { iceServers: [] };
        void this.#request();
        break;
      case 'answer':
        void this.#connection?.setRemoteDescription({ type: 'answer', sdp: signal.sdp }).catch(() => this.#fail());
        break;
      case 'stop':
        if (this.#phase !== 'idle') {
          this.end();
          this.ports.print(this.messages.viewEnded);
        }
        break;
      case 'control_request':
        void this.#requestControl();
        break;
      case 'control_release':
        if (this.#controlGranted) {
          this.#endControl();
          this.ports.print(this.messages.controlReleased(this.#technician));
        }
        break;
      default:
        break;
    }
  }

  /** The customer typed `stop`: control goes first; with no control, the view. Returns false when nothing was running. */
  customerStops(): boolean {
    if (this.#controlGranted) {
      this.#endControl();
      this.ports.send({ kind: 'control_revoke' });
      this.ports.print(this.messages.controlRevoked);
      this.#printWhoIsWatching();
      return true;
    }
    if (this.#phase === 'sharing') {
      this.ports.send({ kind: 'stop' });
      this.end();
      this.ports.print(this.messages.viewEnded);
      return true;
    }
    return false;
  }

  /** Ends control and the stream (session closed, technician stopped, app closing). */
  end(): void {
    this.#generation += 1;
    this.#endControl();
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stopTrack?.();
    this.#stopTrack = undefined;
    this.#channel?.close();
    this.#channel = undefined;
    this.#connection?.close();
    this.#connection = undefined;
    this.#phase = 'idle';
  }

  async #request(): Promise<void> {
    if (this.#phase !== 'idle') return;
    this.#phase = 'asking';
    const generation = this.#generation;
    const yes = await this.ports.ask(this.messages.viewQuestion(this.#technician));
    if (generation !== this.#generation) return;
    if (!yes) {
      this.#phase = 'idle';
      this.ports.send({ kind: 'decline' });
      this.ports.print(this.messages.viewDeclined);
      return;
    }
    let media: ScreenShareMedia;
    try {
      media = await this.ports.loadMedia();
    } catch (error) {
      this.#phase = 'idle';
      this.ports.send({ kind: 'decline' });
      this.ports.print(this.messages.cannotCapture(error instanceof Error ? error.message : String(error)));
      return;
    }
    // A stop or the session's end while loading: this share belongs to nothing.
    if (generation !== this.#generation) return;
    this.#phase = 'sharing';
    this.ports.send({ kind: 'share' });
    try {
      await this.#offer(media, generation);
    } catch (error) {
      if (generation !== this.#generation) return;
      this.ports.print(this.messages.cannotCapture(error instanceof Error ? error.message : String(error)));
      this.#fail();
    }
  }

  async #offer(media: ScreenShareMedia, generation: number): Promise<void> {
    const { webrtc, screen } = media;
    const { iceServers, iceTransportPolicy } = this.#iceConfiguration;
    const connection = new webrtc.RTCPeerConnection({ iceServers, ...(iceTransportPolicy ? { iceTransportPolicy } : {}) });
    this.#connection = connection;
    const source = new webrtc.nonstandard.RTCVideoSource({ isScreencast: true });
    const track = source.createTrack();
    this.#stopTrack = () => track.stop();
    connection.addTrack(track, new webrtc.MediaStream([track]));
    const channel = connection.createDataChannel(controlChannelLabel, { ordered: true });
    this.#channel = channel;
    this.#applier = new InputApplier(screen);
    channel.onmessage = (event) => this.#input(event.data);
    connection.onconnectionstatechange = () => {
      if (connection.connectionState === 'failed' && this.#connection === connection) this.#fail();
    };
    const pushFrame = frameSender(webrtc, screen, source);
    pushFrame();
    this.#timer = setInterval(pushFrame, Math.round(1000 / captureFramesPerSecond));
    const offer = await connection.createOffer();
    await connection.setLocalDescription(offer);
    await gatheringComplete(connection);
    if (generation !== this.#generation || !connection.localDescription) return;
    this.ports.send({ kind: 'offer', sdp: connection.localDescription.sdp });
    this.#printWhoIsWatching();
  }

  async #requestControl(): Promise<void> {
    if (this.#phase !== 'sharing' || this.#controlGranted || this.#askingControl) {
      if (this.#phase !== 'sharing') this.ports.send({ kind: 'control_decline' });
      return;
    }
    this.#askingControl = true;
    const generation = this.#generation;
    const yes = await this.ports.ask(this.messages.controlQuestion(this.#technician));
    this.#askingControl = false;
    if (generation !== this.#generation || this.#phase !== 'sharing') return;
    if (!yes) {
      this.ports.send({ kind: 'control_decline' });
      this.ports.print(this.messages.controlDeclined);
      return;
    }
    this.#controlGranted = true;
    this.#refusalShown = false;
    this.ports.send({ kind: 'control_grant' });
    this.#printWhoIsWatching();
  }

  #input(data: unknown): void {
    // Refused unless granted now: events sent before the grant or after a revoke change nothing.
    if (!this.#controlGranted || !this.#applier) {
      if (!this.#refusalShown) this.ports.print(this.messages.inputRefused);
      this.#refusalShown = true;
      return;
    }
    const event = parseInputEvent(data);
    if (event) this.#applier.apply(event);
  }

  #endControl(): void {
    if (!this.#controlGranted) return;
    this.#controlGranted = false;
    this.#refusalShown = false;
    this.#applier?.releaseAll();
  }

  #fail(): void {
    this.ports.send({ kind: 'stop' });
    this.end();
    this.ports.print(this.messages.viewEnded);
  }

  #printWhoIsWatching(): void {
    this.ports.print(this.#controlGranted ? this.messages.beingControlled(this.#technician) : this.messages.beingViewed(this.#technician));
  }
}

/** One capture → I420 → video source step; frames keep even sizes (I420 halves both). */
function frameSender(webrtc: WebRtc, screen: ScreenCapturer, source: VideoSource): () => void {
  let rgba: Uint8ClampedArray | undefined;
  let i420: Uint8ClampedArray | undefined;
  return () => {
    const image = screen.captureScreen();
    const width = image.width & ~1;
    const height = image.height & ~1;
    if (width === 0 || height === 0) return;
    if (!rgba || rgba.length !== width * height * 4) {
      rgba = new Uint8ClampedArray(width * height * 4);
      i420 = new Uint8ClampedArray((width * height * 3) / 2);
    }
    bgraToRgba(image.image, image.byteWidth, width, height, rgba);
    webrtc.nonstandard.rgbaToI420({ width, height, data: rgba }, { width, height, data: i420! });
    source.onFrame({ width, height, data: i420! });
  };
}

/** The capture is BGRA (X11, Windows, macOS alike); libyuv's conversion wants RGBA. */
export function bgraToRgba(source: Uint8Array, byteWidth: number, width: number, height: number, target: Uint8ClampedArray): void {
  const out = new Uint32Array(target.buffer, target.byteOffset, width * height);
  const aligned = source.byteOffset % 4 === 0 && byteWidth % 4 === 0;
  const input = aligned ? new Uint32Array(source.buffer, source.byteOffset, (byteWidth / 4) * height) : undefined;
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    if (input) {
      const from = y * (byteWidth / 4);
      for (let x = 0; x < width; x += 1) {
        const pixel = input[from + x]!;
        // Little-endian BGRA read as 0xAARRGGBB; swap R and B, force opaque.
        out[row + x] = 0xff000000 | ((pixel & 0xff) << 16) | (pixel & 0xff00) | ((pixel >>> 16) & 0xff);
      }
    } else {
      for (let x = 0; x < width; x += 1) {
        const at = y * byteWidth + x * 4;
        out[row + x] = 0xff000000 | (source[at]! << 16) | (source[at + 1]! << 8) | source[at + 2]!;
      }
    }
  }
}

function gatheringComplete(connection: PeerConnection): Promise<void> {
  if (connection.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, iceGatheringCapMs);
    connection.onicegatheringstatechange = () => {
      if (connection.iceGatheringState !== 'complete') return;
      clearTimeout(timer);
      resolve();
    };
  });
}
