/**
 * The WebRTC stack and the screen/input library, imported only when the
 * customer first says yes (app.ts imports this module lazily): a session
 * without screen view never loads 26 MB of libwebrtc.
 */
import robot from '@jitsi/robotjs';
import wrtc from '@roamhq/wrtc';
import type { ScreenCapturer, ScreenShareMedia, WebRtc } from './screen-share.ts';

/**
 * `xDisplay` (Linux): robotjs takes the screen's size and applies input on
 * its display name (":0.0" unless set, DISPLAY only when that fails to open),
 * but captures from DISPLAY; both are set, so size, picture and input are one screen.
 */
export function loadScreenMedia(xDisplay?: string): ScreenShareMedia {
  if (xDisplay) {
    process.env.DISPLAY = xDisplay;
    (robot as unknown as { setXDisplayName(name: string): void }).setXDisplayName(xDisplay);
  }
  return { webrtc: wrtc as unknown as WebRtc, screen: robot as unknown as ScreenCapturer };
}
