import { execFile } from 'node:child_process';
import { rename, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { AppPlatform } from './platforms.ts';
import type { Signature } from './manifest.ts';

const run = promisify(execFile);

/**
 * Where the signing material comes from: the environment of the build
 * machine (a CI secret store fills it), never the repository.
 */
export interface SigningSettings {
  /** Authenticode certificate with its private key (PKCS#12 file). */
  readonly windowsPfxFile?: string;
  readonly windowsPfxPassword?: string;
  /** RFC 3161 time-stamping service, so signatures outlive the certificate. */
  readonly windowsTimestampUrl?: string;
  /** `Developer ID Application: ...` in the macOS build machine's keychain. */
  readonly macosIdentity?: string;
}

export function signingSettingsFrom(env: Readonly<Record<string, string | undefined>>): SigningSettings {
  return {
    windowsPfxFile: env.WINDOWS_SIGNING_PFX || undefined,
    windowsPfxPassword: env.WINDOWS_SIGNING_PASSWORD || undefined,
    windowsTimestampUrl: env.WINDOWS_TIMESTAMP_URL || undefined,
    macosIdentity: env.MACOS_SIGNING_IDENTITY || undefined,
  };
}

export interface SigningOutcome {
  readonly signature: Signature;
  /** For the build log: what was done, or why nothing was. */
  readonly note: string;
}

/**
 * Signs one configured app if this machine has what that platform needs, and
 * says plainly when it does not. Runs after the server config is written: any
 * byte changed afterwards would void the signature.
 */
export async function signApp(
  platform: AppPlatform,
  file: string,
  settings: SigningSettings,
  hostPlatform: NodeJS.Platform = process.platform,
): Promise<SigningOutcome> {
  if (platform === 'windows-x64') {
    if (!settings.windowsPfxFile) {
      return {
        signature: 'unsigned',
        note: 'UNSIGNED: no Authenticode certificate (set WINDOWS_SIGNING_PFX and WINDOWS_SIGNING_PASSWORD); Windows SmartScreen will warn the customer',
      };
    }
    const signed = `${file}.signed`;
    await rm(signed, { force: true });
    // The official node.exe carries the Node.js project's signature, which the injection voided; replace it with ours.
    await run('osslsigncode', [
      'sign',
      '-pkcs12',
      settings.windowsPfxFile,
      ...(settings.windowsPfxPassword ? ['-pass', settings.windowsPfxPassword] : []),
      '-n',
      'Remote Support',
      '-h',
      'sha256',
      ...(settings.windowsTimestampUrl ? ['-ts', settings.windowsTimestampUrl] : []),
      '-in',
      file,
      '-out',
      signed,
    ]);
    // Proves the signature covers these bytes. A certificate that does not chain to a trusted root here
    // (a test certificate, a private CA) fails verify's chain check only; the digests still have to agree.
    const verified = await run('osslsigncode', ['verify', '-in', signed]).then(
      ({ stdout }) => stdout,
      (error: unknown) => (error instanceof Error && 'stdout' in error ? String((error as { stdout: unknown }).stdout) : ''),
    );
    const current = /Current message digest\s*:\s*([0-9A-F]+)/i.exec(verified)?.[1];
    const calculated = /Calculated message digest\s*:\s*([0-9A-F]+)/i.exec(verified)?.[1];
    if (!current || current !== calculated) {
      await rm(signed, { force: true });
      throw new Error(`osslsigncode verify does not confirm the signature of ${file}:\n${verified}`);
    }
    const chained = /Signature verification: ok/i.test(verified);
    await rename(signed, file);
    return {
      signature: 'authenticode',
      note: `signed with Authenticode (${settings.windowsPfxFile})${settings.windowsTimestampUrl ? ', time-stamped' : ', NOT time-stamped'}${chained ? '' : '; the certificate does not chain to a root this machine trusts'}`,
    };
  }
  if (platform.startsWith('macos-')) {
    if (hostPlatform !== 'darwin') {
      const consequence =
        platform === 'macos-arm64' ? 'Apple silicon Macs refuse to run it unsigned' : 'Gatekeeper blocks it until the customer allows it';
      return {
        signature: 'unsigned',
        note: `UNSIGNED: codesign runs only on macOS; sign and notarize this file on a Mac (docs/support-app.md). ${consequence}`,
      };
    }
    const identity = settings.macosIdentity ?? '-';
    await run('codesign', [
      '--force',
      '--sign',
      identity,
      ...(settings.macosIdentity ? ['--options', 'runtime', '--timestamp'] : []),
      file,
    ]);
    return settings.macosIdentity
      ? { signature: 'developer-id', note: `signed by ${settings.macosIdentity}; notarize it next (docs/support-app.md)` }
      : { signature: 'ad-hoc', note: 'ad-hoc signed only (no MACOS_SIGNING_IDENTITY): it runs, but Gatekeeper warns the customer' };
  }
  return { signature: 'unsigned', note: 'unsigned (Linux has no code-signing check for a downloaded program)' };
}
