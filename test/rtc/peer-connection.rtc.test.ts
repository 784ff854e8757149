import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { chromiumArgs, fakeMediaArgs, launchChromium, peerConnectionArgs } from '../support/browser.ts';

/**
 * The place for tests that open WebRTC peer connections: this project runs
 * only inside `../shared/tools/netns-run` (scripts/run-tests.ts), a network
 * namespace with loopback and the test hosts 192.0.2.10/.11. Two pages connect
 * with no STUN or TURN server, the test process carrying the offer and answer.
 */

/** Addresses that exist inside the namespace; a candidate with any other address would mean we are not in it. */
const namespaceAddresses = new Set(['127.0.0.1', '::1', '192.0.2.10', '192.0.2.11']);

interface PeerWindow {
  peer?: RTCPeerConnection;
}

let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  // getUserMedia needs a secure context, and http://127.0.0.1 is one.
  server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>peer</title><video autoplay muted playsinline></video>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium({ args: [...chromiumArgs, ...peerConnectionArgs, ...fakeMediaArgs] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

function candidateAddresses(sdp: string): string[] {
  return sdp
    .split(/\r?\n/)
    .filter((line) => line.startsWith('a=candidate:'))
    .map((line) => line.split(' ')[4] ?? '');
}

async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(origin);
  return page;
}

describe('WebRTC inside the network namespace', () => {
  it('sends a fake camera from one page to another with no STUN or TURN server, on namespace addresses only', async () => {
    const sender = await openPage();
    const receiver = await openPage();

    // Candidates are gathered completely before the description is handed over, so one offer and one answer suffice.
    const offer = await sender.evaluate(async () => {
      const peer = new RTCPeerConnection({ iceServers: [] });
      (window as PeerWindow).peer = peer;
      const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
      for (const track of camera.getTracks()) peer.addTrack(track, camera);
      const gathered = new Promise<void>((resolve) =>
        peer.addEventListener('icecandidate', (event) => event.candidate === null && resolve()),
      );
      await peer.setLocalDescription(await peer.createOffer());
      await gathered;
      return peer.localDescription?.toJSON() as RTCSessionDescriptionInit;
    });

    const answer = await receiver.evaluate(async (remoteOffer) => {
      const peer = new RTCPeerConnection({ iceServers: [] });
      (window as PeerWindow).peer = peer;
      const video = document.querySelector('video') as HTMLVideoElement;
      peer.addEventListener('track', (event) => {
        video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      });
      const gathered = new Promise<void>((resolve) =>
        peer.addEventListener('icecandidate', (event) => event.candidate === null && resolve()),
      );
      await peer.setRemoteDescription(remoteOffer);
      await peer.setLocalDescription(await peer.createAnswer());
      await gathered;
      return peer.localDescription?.toJSON() as RTCSessionDescriptionInit;
    }, offer);
    await sender.evaluate(async (remoteAnswer) => (window as PeerWindow).peer?.setRemoteDescription(remoteAnswer), answer);

    // Frames arrive: the video has a size and its clock runs, and the decoder counts frames.
    await receiver.waitForFunction(() => {
      const video = document.querySelector('video') as HTMLVideoElement;
      return video.videoWidth > 0 && video.currentTime > 0.5;
    });
    const framesDecoded = await receiver.evaluate(async () => {
      const stats = await (window as PeerWindow).peer?.getStats();
      let frames = 0;
      stats?.forEach((report: { type: string; kind?: string; framesDecoded?: number }) => {
        if (report.type === 'inbound-rtp' && report.kind === 'video') frames += report.framesDecoded ?? 0;
      });
      return frames;
    });
    expect(framesDecoded).toBeGreaterThan(0);
    expect(await receiver.evaluate(() => (document.querySelector('video') as HTMLVideoElement).videoWidth)).toBe(320);

    const addresses = [...candidateAddresses(offer.sdp ?? ''), ...candidateAddresses(answer.sdp ?? '')];
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((address) => !namespaceAddresses.has(address))).toEqual([]);
  });
});
