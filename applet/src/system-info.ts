import os from 'node:os';
import type { SystemInfo } from '../../contracts/schemas/session.ts';

/** The parts of node:os the applet reads; tests pass a fake. */
export type OperatingSystemProbe = Pick<
  typeof os,
  'type' | 'platform' | 'release' | 'version' | 'arch' | 'hostname' | 'cpus' | 'totalmem' | 'uptime'
>;

export interface RuntimeFacts {
  readonly appletVersion: string;
  readonly nodeVersion: string;
  readonly locale?: string;
  readonly timeZone?: string;
}

const friendlyPlatformNames: Partial<Record<NodeJS.Platform, string>> = { win32: 'Windows', darwin: 'macOS', linux: 'Linux' };

/**
 * The service's limits per field (lambdas/websocket/messages.ts): one overlong
 * value would get the whole hello refused, so each is cut to fit.
 */
const maxLengths = {
  os: 100,
  osVersion: 200,
  arch: 40,
  hostname: 255,
  cpuModel: 200,
  locale: 50,
  timeZone: 100,
  appletVersion: 40,
  nodeVersion: 40,
} as const;

/**
 * What the technician sees about the customer's computer. Every probe is
 * guarded: a field the platform cannot report is left out rather than failing
 * the connection.
 */
export function collectSystemInfo(probe: OperatingSystemProbe, facts: RuntimeFacts): SystemInfo {
  const cpus = attempt(() => probe.cpus());
  const release = attempt(() => probe.release());
  const version = attempt(() => probe.version());
  const info: Record<string, string | number | undefined> = {
    os: text(
      attempt(() => friendlyPlatformNames[probe.platform()] ?? probe.type()),
      maxLengths.os,
    ),
    osVersion: text(
      release && version && !version.includes(release) ? `${release} (${version})` : (version ?? release),
      maxLengths.osVersion,
    ),
    arch: text(
      attempt(() => probe.arch()),
      maxLengths.arch,
    ),
    hostname: text(
      attempt(() => probe.hostname()),
      maxLengths.hostname,
    ),
    cpus: cpus?.length || undefined,
    cpuModel: text(cpus?.[0]?.model.trim(), maxLengths.cpuModel),
    memoryBytes: count(attempt(() => probe.totalmem())),
    uptimeSeconds: count(attempt(() => Math.floor(probe.uptime()))),
    locale: text(facts.locale, maxLengths.locale),
    timeZone: text(facts.timeZone, maxLengths.timeZone),
    appletVersion: text(facts.appletVersion, maxLengths.appletVersion),
    nodeVersion: text(facts.nodeVersion, maxLengths.nodeVersion),
  };
  return Object.fromEntries(Object.entries(info).filter(([, value]) => value !== undefined));
}

/** The locale and time zone as Intl resolves them on this machine. */
export function intlFacts(): { locale?: string; timeZone?: string } {
  return (
    attempt(() => {
      const { locale, timeZone } = Intl.DateTimeFormat().resolvedOptions();
      return { locale, timeZone };
    }) ?? {}
  );
}

function attempt<T>(probe: () => T): T | undefined {
  try {
    return probe();
  } catch {
    return undefined;
  }
}

function text(value: string | undefined, maxLength: number): string | undefined {
  const cleaned = value
    ?.replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned ? cleaned.slice(0, maxLength) : undefined;
}

function count(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
}
