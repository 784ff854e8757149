/**
 * The customer's side of a screen view: the browser's own picker
 * (getDisplayMedia), one peer connection that only sends, and an end that
 * every path reaches (Stop sharing, the browser's stop button, the
 * technician's Stop viewing, the session's end).
 */
import type { IceConfiguration, ScreenSignal } from '../../contracts/schemas/screen.ts';
import { iceGatheringComplete } from '../shared/ice-gathering.ts';

export interface ScreenShareSide {
  readonly signal: (signal: ScreenSignal) => boolean;
  readonly iceConfiguration: () => Promise<IceConfiguration>;
  /** The share is over; `failed` when it never got going. */
  readonly ended: (how: 'stopped' | 'failed') => void;
}

export function screenSharingSupported(): boolean {
  return typeof navigator.mediaDevices?.getDisplayMedia === 'function' && typeof RTCPeerConnection === 'function';
}

export class ScreenShare {
  #connection: RTCPeerConnection | undefined;
  #stream: MediaStream | undefined;

  constructor(private readonly side: ScreenShareSide) {}

  get active(): boolean {
    return this.#stream !== undefined;
  }

  /** Must run inside the click on Share screen: browsers open the picker only for a user gesture. */
  async start(): Promise<'sharing' | 'cancelled'> {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch {
      return 'cancelled';
    }
    this.#stream = stream;
    for (const track of stream.getTracks()) track.addEventListener('ended', () => this.stop(true));
    this.side.signal({ kind: 'share' });
    try {
      const connection = new RTCPeerConnection(await this.side.iceConfiguration());
      this.#connection = connection;
      for (const track of stream.getTracks()) connection.addTrack(track, stream);
      connection.addEventListener('connectionstatechange', () => {
        if (connection.connectionState === 'failed') this.stop(true, 'failed');
      });
      await connection.setLocalDescription(await connection.createOffer());
      await iceGatheringComplete(connection);
      if (this.#connection !== connection || !connection.localDescription) return 'cancelled';
      this.side.signal({ kind: 'offer', sdp: connection.localDescription.sdp });
      return 'sharing';
    } catch {
      this.stop(true, 'failed');
      return 'cancelled';
    }
  }

  async answered(sdp: string): Promise<void> {
    try {
      await this.#connection?.setRemoteDescription({ type: 'answer', sdp });
    } catch {
      this.stop(true, 'failed');
    }
  }

  /** `tell`: the technician still needs to hear it (not when they stopped it or the session ended). */
  stop(tell: boolean, how: 'stopped' | 'failed' = 'stopped'): void {
    if (!this.#stream && !this.#connection) return;
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
    this.#connection?.close();
    this.#stream = undefined;
    this.#connection = undefined;
    if (tell) this.side.signal({ kind: 'stop' });
    this.side.ended(how);
  }
}
