/**
 * What `npm test` and `npm start` need from the machine beyond Node and npm,
 * one line per program: where to find it and which Debian package provides it.
 * When something is missing and we are root on Debian, `apt-get update` runs
 * once and the packages are installed, with one line saying so; otherwise the
 * command stops with one line naming what to run.
 *
 *   tsx scripts/system-requirements.ts start      # what `npm start` needs (Java)
 *   tsx scripts/system-requirements.ts browser    # or unit, integration, e2e, infrastructure, rtc; no name = all
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What needs a program: `npm start`, or one of the Jest projects. */
export type Purpose = 'start' | 'unit' | 'integration' | 'e2e' | 'browser' | 'infrastructure' | 'rtc';
export const purposes: readonly Purpose[] = ['start', 'unit', 'integration', 'e2e', 'browser', 'infrastructure', 'rtc'];

export interface SystemRequirement {
  /** A program name looked up on PATH, or an absolute path. */
  readonly program: string;
  readonly debianPackage: string;
  readonly neededFor: readonly Purpose[];
  /** Environment variable that may point elsewhere; after installing, the package's `program` is used instead. */
  readonly overriddenBy?: string;
}

/** The Chromium the browser tests drive (test/support/browser.ts) and this check look for. */
export const defaultChromiumPath = '/usr/bin/chromium';
export function chromiumExecutablePath(): string {
  return process.env.CHROMIUM_PATH ?? defaultChromiumPath;
}

const dynamoDbLocalUsers: readonly Purpose[] = ['start', 'integration', 'e2e', 'browser'];

export const systemRequirements: readonly SystemRequirement[] = [
  { program: defaultChromiumPath, debianPackage: 'chromium', neededFor: ['browser', 'rtc'], overriddenBy: 'CHROMIUM_PATH' },
  { program: 'java', debianPackage: 'openjdk-17-jre-headless', neededFor: dynamoDbLocalUsers },
  { program: 'Xvfb', debianPackage: 'xvfb', neededFor: ['browser', 'rtc'] },
  { program: 'xdotool', debianPackage: 'xdotool', neededFor: ['browser', 'rtc'] },
  { program: 'turnserver', debianPackage: 'coturn', neededFor: ['rtc'] },
];

/** The machine as this module sees it; tests pass a fake. */
export interface Host {
  readonly isRoot: boolean;
  readonly isDebian: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** Absolute path of an executable (a path, or a name searched on PATH), or undefined. */
  findProgram(program: string): string | undefined;
  /** `apt-get update` then `apt-get install -y` these packages; throws when apt fails. */
  installPackages(packages: readonly string[]): void;
  log(line: string): void;
}

export class SystemRequirementMissing extends Error {}

function where(requirement: SystemRequirement, env: NodeJS.ProcessEnv): string {
  const override = requirement.overriddenBy ? env[requirement.overriddenBy] : undefined;
  return override ?? requirement.program;
}

function describeMissing(requirement: SystemRequirement, env: NodeJS.ProcessEnv): string {
  const override = requirement.overriddenBy ? env[requirement.overriddenBy] : undefined;
  return override ? `${override} (${requirement.overriddenBy})` : requirement.program;
}

/**
 * Makes sure every program `purposesWanted` need is there, installing what is
 * missing when allowed. Returns the packages it installed; throws
 * SystemRequirementMissing with a one-line message otherwise. When an
 * override variable pointed nowhere, it is set to the installed program.
 */
export function ensureSystemRequirements(
  purposesWanted: readonly Purpose[],
  host: Host,
  requirements: readonly SystemRequirement[] = systemRequirements,
): string[] {
  const needed = requirements.filter((requirement) => requirement.neededFor.some((purpose) => purposesWanted.includes(purpose)));
  const missing = needed.filter((requirement) => !host.findProgram(where(requirement, host.env)));
  if (missing.length === 0) return [];
  const packages = [...new Set(missing.map((requirement) => requirement.debianPackage))];
  const names = missing.map((requirement) => describeMissing(requirement, host.env)).join(', ');
  if (!host.isRoot || !host.isDebian) {
    const command = host.isDebian
      ? `sudo apt-get install -y ${packages.join(' ')}`
      : `install ${packages.join(', ')} (Debian package names) with your package manager`;
    throw new SystemRequirementMissing(`missing ${names}: run \`${command}\`, then try again`);
  }
  host.log(`installing ${packages.join(' ')} (missing ${names}) with apt-get`);
  host.installPackages(packages);
  const stillMissing: string[] = [];
  for (const requirement of missing) {
    const installed = host.findProgram(requirement.program);
    if (!installed) stillMissing.push(requirement.program);
    else if (requirement.overriddenBy && !host.findProgram(where(requirement, host.env))) host.env[requirement.overriddenBy] = installed;
  }
  if (stillMissing.length > 0)
    throw new SystemRequirementMissing(`installed ${packages.join(' ')}, but ${stillMissing.join(', ')} still not found`);
  return packages;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(program: string, env: NodeJS.ProcessEnv): string | undefined {
  if (path.isAbsolute(program)) return isExecutable(program) ? program : undefined;
  for (const directory of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(directory, program);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function runApt(args: readonly string[]): void {
  const result = spawnSync('apt-get', [...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0)
    throw new SystemRequirementMissing(
      `\`apt-get ${args.join(' ')}\` failed (exit ${result.status ?? result.signal}); run it by hand and try again`,
    );
}

/** This machine: root by uid, Debian by /etc/debian_version, apt-get for installing. */
export function thisHost(): Host {
  return {
    isRoot: process.getuid?.() === 0,
    isDebian: existsSync('/etc/debian_version') && findOnPath('apt-get', process.env) !== undefined,
    env: process.env,
    findProgram: (program) => findOnPath(program, process.env),
    installPackages(packages) {
      runApt(['update', '-qq']);
      runApt(['install', '-y', '-qq', ...packages]);
    },
    log: (line) => console.log(`system requirements: ${line}`),
  };
}

function main(args: readonly string[]): number {
  const unknown = args.filter((arg) => !purposes.includes(arg as Purpose));
  if (unknown.length > 0) {
    console.error(`system requirements: unknown purpose ${unknown.join(', ')} (known: ${purposes.join(', ')})`);
    return 2;
  }
  try {
    ensureSystemRequirements(args.length > 0 ? (args as Purpose[]) : purposes, thisHost());
    return 0;
  } catch (error) {
    if (!(error instanceof SystemRequirementMissing)) throw error;
    console.error(`system requirements: ${error.message}`);
    return 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
