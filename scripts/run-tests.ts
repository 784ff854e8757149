/**
 * Runs Jest the way `npm test` and the `test:*` scripts do: first the system
 * requirements of the chosen projects (scripts/system-requirements.ts), then
 * Jest on native ES modules, and the `rtc` project (WebRTC peer connections)
 * only inside a fresh network namespace (`../shared/tools/netns-run`), so
 * their media cannot leave this machine.
 *
 *   tsx scripts/run-tests.ts                       # all projects, coverage floor of lambdas/ enforced
 *   tsx scripts/run-tests.ts unit [JEST ARGS...]   # one project (or several), e.g. a file path to run just that
 *   tsx scripts/run-tests.ts coverage              # unit + integration with coverage, the figure `npm test` enforces
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemRequirements, SystemRequirementMissing, thisHost } from './system-requirements.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Resolved from the repository root, the same place `npm test` runs in. */
export const netnsRun = path.resolve(repositoryRoot, '../shared/tools/netns-run');
const jestBin = createRequire(import.meta.url).resolve('jest/bin/jest');

const projects = ['unit', 'integration', 'e2e', 'browser', 'infrastructure', 'rtc'] as const;
type Project = (typeof projects)[number];
const coverageProjects: readonly Project[] = ['unit', 'integration'];

function fail(message: string): never {
  console.error(`run-tests: ${message}`);
  process.exit(1);
}

/** Node with ES module support for Jest; the flag's warning is expected, so not printed. */
function jestCommand(args: readonly string[]): string[] {
  return [process.execPath, '--experimental-vm-modules', '--disable-warning=ExperimentalWarning', jestBin, ...args];
}

function run(command: readonly string[]): number {
  const [program, ...args] = command;
  if (!program) throw new Error('empty command');
  const result = spawnSync(program, args, { stdio: 'inherit', cwd: repositoryRoot, env: process.env });
  if (result.error) fail(`${program}: ${result.error.message}`);
  return result.status ?? 1;
}

function runInNetworkNamespace(jestArgs: readonly string[]): number {
  if (!existsSync(netnsRun)) fail(`the WebRTC tests need ${netnsRun} (the shared tools folder next to the repository); it is missing`);
  if (run([netnsRun, '--check']) !== 0)
    fail(
      `the WebRTC tests must run inside a network namespace and \`${netnsRun} --check\` failed: run the tests as root on a machine with unshare and iproute2`,
    );
  return run([netnsRun, '--', ...jestCommand([...jestArgs, '--selectProjects', 'rtc'])]);
}

function main(args: readonly string[]): number {
  // The SDK's notice about future Node versions would repeat in every worker.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const coverage = args[0] === 'coverage';
  const rest = coverage ? args.slice(1) : args;
  const chosen = rest.filter((arg): arg is Project => (projects as readonly string[]).includes(arg));
  const jestArgs = rest.filter((arg) => !(projects as readonly string[]).includes(arg));
  const selected: readonly Project[] = coverage ? coverageProjects : chosen.length > 0 ? chosen : projects;

  try {
    ensureSystemRequirements(selected, thisHost());
  } catch (error) {
    if (error instanceof SystemRequirementMissing) fail(error.message);
    throw error;
  }

  const outsideNamespace = selected.filter((project) => project !== 'rtc');
  const everything = !coverage && chosen.length === 0;
  if (outsideNamespace.length > 0) {
    const coverageArgs = coverage || everything ? ['--coverage'] : [];
    const status = run(jestCommand([...jestArgs, ...coverageArgs, '--selectProjects', ...outsideNamespace]));
    if (status !== 0) return status;
  }
  return selected.includes('rtc') ? runInNetworkNamespace(jestArgs) : 0;
}

process.exitCode = main(process.argv.slice(2));
