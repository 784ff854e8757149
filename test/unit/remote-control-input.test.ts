import { describe, expect, it } from '@jest/globals';
import { InputApplier, keyName, maxInputMessageLength, parseInputEvent, type InputDevice } from '../../applet/src/remote-input.ts';
import { bgraToRgba } from '../../applet/src/screen-share.ts';
import { parseServerMessage } from '../../applet/src/session.ts';
import { pictureFraction } from '../../web/console/src/remote-control.ts';

/** A screen that records what reached it, as robotjs would apply it. */
function recordingDevice(width = 1920, height = 1080): InputDevice & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    getScreenSize: () => ({ width, height }),
    moveMouse: (x, y) => calls.push(`move ${x},${y}`),
    mouseToggle: (down, button) => calls.push(`${down} ${button}`),
    scrollMouse: (x, y) => calls.push(`scroll ${x},${y}`),
    keyTap: (key, modifiers) => calls.push(`key ${[...modifiers, key].join('+')}`),
  };
}

describe('input events from the data channel', () => {
  it('accepts the four kinds, field by field', () => {
    expect(parseInputEvent('{"type":"move","x":0.5,"y":1}')).toEqual({ type: 'move', x: 0.5, y: 1 });
    expect(parseInputEvent('{"type":"button","x":0,"y":0,"button":"right","down":true}')).toEqual({
      type: 'button',
      x: 0,
      y: 0,
      button: 'right',
      down: true,
    });
    expect(parseInputEvent('{"type":"wheel","dx":0,"dy":-100}')).toEqual({ type: 'wheel', dx: 0, dy: -100 });
    expect(parseInputEvent('{"type":"key","code":"KeyA","modifiers":["shift","bogus"]}')).toEqual({
      type: 'key',
      code: 'KeyA',
      modifiers: ['shift'],
    });
  });

  it('drops anything else: outside the picture, unknown kinds and keys, bad JSON, oversized messages', () => {
    for (const text of [
      '{"type":"move","x":1.5,"y":0}',
      '{"type":"move","x":-0.1,"y":0}',
      '{"type":"button","x":0,"y":0,"button":"back","down":true}',
      '{"type":"key","code":"LaunchMail","modifiers":[]}',
      '{"type":"exec","command":"rm"}',
      'not json',
      `{"type":"move","x":0,"y":0,"pad":"${'x'.repeat(maxInputMessageLength)}"}`,
    ]) {
      expect(parseInputEvent(text)).toBeUndefined();
    }
    expect(parseInputEvent(42)).toBeUndefined();
  });

  it('maps KeyboardEvent.code to the key on the customer\u2019s keyboard', () => {
    expect(keyName('KeyQ', 'linux')).toBe('q');
    expect(keyName('Digit7', 'win32')).toBe('7');
    expect(keyName('Numpad7', 'win32')).toBe('numpad_7');
    expect(keyName('F12', 'linux')).toBe('f12');
    expect(keyName('ArrowLeft', 'darwin')).toBe('left');
    expect(keyName('Delete', 'darwin')).toBe('forward_delete');
    expect(keyName('Delete', 'linux')).toBe('delete');
  });

  it('scales fractions to the real screen, presses and lets go, and releases held buttons when control ends', () => {
    const device = recordingDevice(1920, 1080);
    const applier = new InputApplier(device, 'linux');
    applier.apply({ type: 'move', x: 0.5, y: 0.5 });
    applier.apply({ type: 'button', x: 1, y: 1, button: 'left', down: true });
    applier.apply({ type: 'key', code: 'KeyC', modifiers: ['control', 'meta'] });
    applier.apply({ type: 'wheel', dx: 0, dy: 250 });
    applier.releaseAll();
    expect(device.calls).toEqual(['move 960,540', 'move 1919,1079', 'down left', 'key control+command+c', 'scroll 0,-3', 'up left']);
  });
});

describe('the picture behind the console video', () => {
  it('maps a pointer to fractions of the letterboxed picture and ignores the bars', () => {
    // A 1280x800 picture in a 1000x1000 box: scaled to 1000x625, bars of 187.5 above and below.
    const box = { left: 0, top: 0, width: 1000, height: 1000 };
    expect(pictureFraction(500, 500, box, { width: 1280, height: 800 })).toEqual({ x: 0.5, y: 0.5 });
    expect(pictureFraction(0, 187.5, box, { width: 1280, height: 800 })).toEqual({ x: 0, y: 0 });
    expect(pictureFraction(500, 100, box, { width: 1280, height: 800 })).toBeUndefined();
    expect(pictureFraction(500, 500, box, { width: 0, height: 0 })).toBeUndefined();
  });
});

describe('the captured frame', () => {
  it('turns BGRA rows (with padding) into opaque RGBA', () => {
    // 2x1 pixels, 12 bytes per row: blue, then red, then 4 padding bytes.
    const source = new Uint8Array([255, 0, 0, 7, 0, 0, 255, 7, 9, 9, 9, 9]);
    const target = new Uint8ClampedArray(8);
    bgraToRgba(source, 12, 2, 1, target);
    expect([...target]).toEqual([0, 0, 255, 255, 255, 0, 0, 255]);
    const unaligned = new Uint8Array(13);
    unaligned.set(source, 1);
    const again = new Uint8ClampedArray(8);
    bgraToRgba(unaligned.subarray(1), 12, 2, 1, again);
    expect([...again]).toEqual([...target]);
  });
});

describe('screen messages reaching the app', () => {
  it('keeps the technician\u2019s control signals and drops what the customer side would send or what the schema refuses', () => {
    expect(
      parseServerMessage(
        JSON.stringify({
          type: 'screen',
          sessionId: 's1',
          from: 'technician',
          signal: { kind: 'control_request' },
          technician: { displayName: 'Alice Adler' },
        }),
      ),
    ).toEqual({
      type: 'screen',
      sessionId: 's1',
      signal: { kind: 'control_request' },
      technicianName: 'Alice Adler',
    });
    expect(
      parseServerMessage(JSON.stringify({ type: 'screen', sessionId: 's1', from: 'customer', signal: { kind: 'control_grant' } })),
    ).toBeUndefined();
    expect(
      parseServerMessage(JSON.stringify({ type: 'screen', sessionId: 's1', from: 'technician', signal: { kind: 'control_everything' } })),
    ).toBeUndefined();
  });
});
