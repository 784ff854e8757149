import { describe, expect, it } from '@jest/globals';
import {
  ensureSystemRequirements,
  SystemRequirementMissing,
  systemRequirements,
  type Host,
  type Purpose,
} from '../../scripts/system-requirements.ts';

/** A machine with these programs, which records what it was asked to install; installing puts the packages' programs in place. */
function fakeHost(options: { installed: string[]; isRoot: boolean; isDebian?: boolean; env?: NodeJS.ProcessEnv }) {
  const present = new Set(options.installed);
  const installs: string[][] = [];
  const lines: string[] = [];
  const host: Host = {
    isRoot: options.isRoot,
    isDebian: options.isDebian ?? true,
    env: options.env ?? {},
    findProgram: (program) => (present.has(program) ? `/usr/bin/${program.replace('/usr/bin/', '')}` : undefined),
    installPackages(packages) {
      installs.push([...packages]);
      for (const requirement of systemRequirements) if (packages.includes(requirement.debianPackage)) present.add(requirement.program);
    },
    log: (line) => lines.push(line),
  };
  return { host, installs, lines };
}

const everything = systemRequirements.map((requirement) => requirement.program);
const all: Purpose[] = ['start', 'unit', 'integration', 'e2e', 'browser', 'infrastructure', 'rtc'];

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof SystemRequirementMissing) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('system requirements', () => {
  it('does nothing when every program is there', () => {
    const { host, installs, lines } = fakeHost({ installed: everything, isRoot: true });
    expect(ensureSystemRequirements(all, host)).toEqual([]);
    expect(installs).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('as root on Debian installs what is missing with one apt run and says so in one line', () => {
    const { host, installs, lines } = fakeHost({ installed: ['java', 'turnserver'], isRoot: true });
    expect(ensureSystemRequirements(['browser'], host)).toEqual(['chromium', 'xvfb', 'xdotool']);
    expect(installs).toEqual([['chromium', 'xvfb', 'xdotool']]);
    expect(lines).toEqual(['installing chromium xvfb xdotool (missing /usr/bin/chromium, Xvfb, xdotool) with apt-get']);
  });

  it('checks only what the chosen purposes need: npm start needs Java, the unit tests nothing', () => {
    const { host, installs } = fakeHost({ installed: [], isRoot: true });
    expect(ensureSystemRequirements(['unit'], host)).toEqual([]);
    expect(ensureSystemRequirements(['start'], host)).toEqual(['openjdk-17-jre-headless']);
    expect(installs).toEqual([['openjdk-17-jre-headless']]);
  });

  it('without root refuses with one line naming the command to run, and installs nothing', () => {
    const { host, installs } = fakeHost({ installed: ['/usr/bin/chromium'], isRoot: false });
    const message = refusal(() => ensureSystemRequirements(all, host));
    expect(message).toBe(
      'missing java, Xvfb, xdotool, turnserver: run `sudo apt-get install -y openjdk-17-jre-headless xvfb xdotool coturn`, then try again',
    );
    expect(message).not.toContain('\n');
    expect(installs).toEqual([]);
  });

  it('off Debian names the packages to install instead of an apt command', () => {
    const { host, installs } = fakeHost({ installed: [], isRoot: true, isDebian: false });
    expect(refusal(() => ensureSystemRequirements(['start'], host))).toBe(
      'missing java: run `install openjdk-17-jre-headless (Debian package names) with your package manager`, then try again',
    );
    expect(installs).toEqual([]);
  });

  it('treats a CHROMIUM_PATH that points nowhere as Chromium missing, installs it and then uses the installed one', () => {
    const env: NodeJS.ProcessEnv = { CHROMIUM_PATH: '/nowhere/chromium' };
    const { host, installs, lines } = fakeHost({
      installed: ['/usr/bin/chromium', 'Xvfb', 'xdotool', 'turnserver', 'java'],
      isRoot: true,
      env,
    });
    expect(ensureSystemRequirements(['browser'], host)).toEqual(['chromium']);
    expect(installs).toEqual([['chromium']]);
    expect(lines).toEqual(['installing chromium (missing /nowhere/chromium (CHROMIUM_PATH)) with apt-get']);
    expect(env.CHROMIUM_PATH).toBe('/usr/bin/chromium');
  });

  it('says so when the package did not bring the program', () => {
    const { host } = fakeHost({ installed: [], isRoot: true });
    host.installPackages = () => undefined;
    expect(refusal(() => ensureSystemRequirements(['start'], host))).toBe('installed openjdk-17-jre-headless, but java still not found');
  });
});
