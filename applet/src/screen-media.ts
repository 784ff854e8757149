/**
 * The WebRTC stack and the screen/input library, imported only when the
 * customer first says yes (app.ts imports this module lazily): a session
 * without screen view never loads 26 MB of libwebrtc.
 */
import robot from '@jitsi/robotjs';
import wrtc from '@roamhq/wrtc';
import type { ScreenCapturer, ScreenShareMedia, WebRtc } from './screen-share.ts';

export function loadScreenMedia(): ScreenShareMedia {
  return { webrtc: wrtc as unknown as WebRtc, screen: robot as unknown as ScreenCapturer };
}
