import os from 'node:os';
import { describe, expect, it } from '@jest/globals';
import { systemInfoSchema } from '../../contracts/schemas/session.ts';
import { collectSystemInfo, intlFacts, type OperatingSystemProbe } from '../../applet/src/system-info.ts';

const facts = { appletVersion: '1.2.3', nodeVersion: 'v20.20.2', locale: 'de-DE', timeZone: 'Europe/Berlin' };

function probe(overrides: Partial<OperatingSystemProbe> = {}): OperatingSystemProbe {
  return {
    type: () => 'Windows_NT',
    platform: () => 'win32',
    release: () => '10.0.22631',
    version: () => 'Windows 11 Pro',
    arch: () => 'x64',
    hostname: () => 'KUNDE-PC',
    cpus: () => [
      { model: ' Intel(R) Core(TM) i5-8250U ', speed: 1800, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } },
      { model: 'same', speed: 1800, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } },
    ],
    totalmem: () => 8_589_934_592,
    uptime: () => 3600.7,
    ...overrides,
  };
}

describe('applet system info', () => {
  it('reports every field the technician console shows', () => {
    expect(collectSystemInfo(probe(), facts)).toEqual({
      os: 'Windows',
      osVersion: '10.0.22631 (Windows 11 Pro)',
      arch: 'x64',
      hostname: 'KUNDE-PC',
      cpus: 2,
      cpuModel: 'Intel(R) Core(TM) i5-8250U',
      memoryBytes: 8_589_934_592,
      uptimeSeconds: 3600,
      locale: 'de-DE',
      timeZone: 'Europe/Berlin',
      appletVersion: '1.2.3',
      nodeVersion: 'v20.20.2',
    });
  });

  it('reads this machine with the real node:os', () => {
    const info = collectSystemInfo(os, { ...intlFacts(), appletVersion: '1.2.3', nodeVersion: process.version });
    expect(info).toMatchObject({ arch: os.arch(), hostname: os.hostname(), cpus: os.cpus().length, nodeVersion: process.version });
    expect(info.os).toEqual(expect.any(String));
    expect(info.memoryBytes).toBeGreaterThan(0);
    expect(info.locale).toEqual(expect.any(String));
    expect(info.timeZone).toEqual(expect.any(String));
  });

  it('leaves out what the platform cannot report instead of failing', () => {
    const failing = () => {
      throw new Error('not supported here');
    };
    const info = collectSystemInfo(probe({ version: failing, cpus: () => [], hostname: failing, uptime: () => Number.NaN }), facts);
    expect(info).not.toHaveProperty('hostname');
    expect(info).not.toHaveProperty('cpus');
    expect(info).not.toHaveProperty('cpuModel');
    expect(info).not.toHaveProperty('uptimeSeconds');
    expect(info.osVersion).toBe('10.0.22631');
  });

  it('names platforms the way customers know them', () => {
    expect(collectSystemInfo(probe({ platform: () => 'darwin', type: () => 'Darwin' }), facts).os).toBe('macOS');
    expect(collectSystemInfo(probe({ platform: () => 'freebsd', type: () => 'FreeBSD' }), facts).os).toBe('FreeBSD');
  });

  it('keeps hostile values short and free of control characters', () => {
    const info = collectSystemInfo(
      probe({ hostname: () => `evil\u001b[2J\n${'x'.repeat(500)}`, type: () => 'y'.repeat(500), platform: () => 'aix' }),
      facts,
    );
    expect(info.hostname).toMatch(/^evil \[2J x+$/);
    expect(info.hostname?.length).toBe(255);
    expect(info.os?.length).toBe(100);
  });

  it('always fits what the service accepts in a hello, so no field is dropped', () => {
    const extreme = collectSystemInfo(
      probe({ hostname: () => 'h'.repeat(1000), version: () => 'v'.repeat(1000), arch: () => 'a'.repeat(100) }),
      {
        ...facts,
        locale: 'l'.repeat(100),
        timeZone: 't'.repeat(300),
        appletVersion: '9'.repeat(100),
      },
    );
    for (const info of [extreme, collectSystemInfo(os, { ...intlFacts(), appletVersion: '1.2.3', nodeVersion: process.version })]) {
      // Parsing drops unknown keys, so equality also proves the applet sends no field the service would drop.
      expect(systemInfoSchema.parse(info)).toEqual(info);
    }
  });
});
