import { describe, expect, it } from '@jest/globals';
import { staticIceServers } from '#domain/ice-servers';
import { clientMessageSchema } from '#contracts/schemas/websocket';
import { screenSignalsFrom } from '#contracts/schemas/screen';

describe('ICE servers from the ICE_SERVERS setting', () => {
  it('is empty by default (host candidates) and passes a TURN server and the relay policy through', async () => {
    expect(await staticIceServers(undefined, undefined).forSession('s')).toEqual({ iceServers: [] });
    const turn = [{ urls: 'turn:192.0.2.10:3478', username: 'u', credential: 'p' }];
    expect(await staticIceServers(JSON.stringify(turn), 'relay').forSession('s')).toEqual({
      iceServers: turn,
      iceTransportPolicy: 'relay',
    });
  });

  it('refuses a malformed setting at start with a message that says what is expected', () => {
    expect(() => staticIceServers('not json', undefined)).toThrow(/ICE_SERVERS must be a JSON array/);
    expect(() => staticIceServers('[{"url": "turn:x"}]', undefined)).toThrow(/ICE_SERVERS must be a JSON array/);
    expect(() => staticIceServers('[]', 'sometimes')).toThrow(/ICE_TRANSPORT_POLICY "all" or "relay"/);
  });
});

describe('screen signal messages', () => {
  const sessionId = '0b9f6a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

  it('accept each kind with its fields and nothing malformed', () => {
    expect(clientMessageSchema.safeParse({ action: 'screen', sessionId, signal: { kind: 'offer', sdp: 'v=0' } }).success).toBe(true);
    expect(clientMessageSchema.safeParse({ action: 'screen', sessionId, signal: { kind: 'offer' } }).success).toBe(false);
    expect(
      clientMessageSchema.safeParse({ action: 'screen', sessionId, signal: { kind: 'answer', sdp: 'x'.repeat(24_001) } }).success,
    ).toBe(false);
    expect(clientMessageSchema.safeParse({ action: 'screen', sessionId, signal: { kind: 'control' } }).success).toBe(false);
  });

  it('give each side its own signals and no overlap but stop', () => {
    const both = screenSignalsFrom.technician.filter((kind) => screenSignalsFrom.customer.includes(kind));
    expect(both).toEqual(['stop']);
  });
});
