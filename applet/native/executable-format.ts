import type { AppPlatform, ExecutableFormat } from './platforms.ts';

/** Node flips this fuse from `:0` to `:1` when a SEA blob is injected; the binary then runs the blob. */
export const seaSentinelFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const seaResourceName = 'NODE_SEA_BLOB';
/** The Mach-O segment Node looks for the blob in. */
export const seaMachoSegment = 'NODE_SEA';

export interface ExecutableFacts {
  readonly format: ExecutableFormat;
  /** x64 or arm64; `unknown` for any other machine type. */
  readonly arch: 'x64' | 'arm64' | 'unknown';
  /** The fuse says "blob injected". */
  readonly fuseFlipped: boolean;
  /** The blob is where that format's loader looks for it (PE resource, Mach-O segment, ELF note). */
  readonly seaResource: boolean;
}

/**
 * Reads the headers of a Windows (PE), macOS (Mach-O, 64-bit thin) or Linux
 * (ELF64) executable far enough to tell whether it is a Node single-executable
 * application for the expected machine. Used by the build as a self-check and
 * by the tests for the builds this machine cannot run.
 */
export function inspectExecutable(bytes: Buffer): ExecutableFacts | undefined {
  const fuseFlipped = bytes.includes(Buffer.from(`${seaSentinelFuse}:1`, 'latin1'));
  if (bytes.length >= 0x40 && bytes.toString('latin1', 0, 2) === 'MZ') {
    const peOffset = bytes.readUInt32LE(0x3c);
    if (peOffset + 6 > bytes.length || bytes.toString('latin1', peOffset, peOffset + 4) !== 'PE\0\0') return undefined;
    const machine = bytes.readUInt16LE(peOffset + 4);
    // Resource names in a PE resource directory are UTF-16LE strings.
    const seaResource = bytes.includes(Buffer.from(seaResourceName, 'utf16le'));
    return { format: 'pe', arch: archOf(machine, 0x8664, 0xaa64), fuseFlipped, seaResource };
  }
  if (bytes.length >= 32 && bytes.readUInt32LE(0) === 0xfeedfacf) {
    const cpuType = bytes.readUInt32LE(4);
    const seaResource = machoSegmentNames(bytes).includes(seaMachoSegment);
    return { format: 'mach-o', arch: archOf(cpuType, 0x01000007, 0x0100000c), fuseFlipped, seaResource };
  }
  if (bytes.length >= 64 && bytes.readUInt32BE(0) === 0x7f454c46 && bytes[4] === 2) {
    const machine = bytes.readUInt16LE(18);
    const seaResource = elfNoteNames(bytes).includes(seaResourceName);
    return { format: 'elf', arch: archOf(machine, 0x3e, 0xb7), fuseFlipped, seaResource };
  }
  return undefined;
}

/** What a platform's app must look like; the problems found, none when it is right. */
export function problemsWithApp(platform: AppPlatform, facts: ExecutableFacts | undefined): string[] {
  const expected = {
    format: platform.startsWith('windows') ? 'pe' : platform.startsWith('macos') ? 'mach-o' : 'elf',
    arch: platform.endsWith('arm64') ? 'arm64' : 'x64',
  };
  if (!facts) return [`${platform}: not a PE, Mach-O or ELF executable`];
  const problems: string[] = [];
  if (facts.format !== expected.format) problems.push(`${platform}: format is ${facts.format}, expected ${expected.format}`);
  if (facts.arch !== expected.arch) problems.push(`${platform}: machine is ${facts.arch}, expected ${expected.arch}`);
  if (!facts.fuseFlipped) problems.push(`${platform}: the SEA fuse is not flipped`);
  if (!facts.seaResource) problems.push(`${platform}: no ${seaResourceName} where Node looks for it`);
  return problems;
}

function machoSegmentNames(bytes: Buffer): string[] {
  const commandCount = bytes.readUInt32LE(16);
  const names: string[] = [];
  let offset = 32;
  for (let index = 0; index < commandCount && offset + 8 <= bytes.length; index++) {
    const command = bytes.readUInt32LE(offset);
    const size = bytes.readUInt32LE(offset + 4);
    const LC_SEGMENT_64 = 0x19;
    if (command === LC_SEGMENT_64) names.push(bytes.toString('latin1', offset + 8, offset + 24).replace(/\0+$/, ''));
    if (size === 0) break;
    offset += size;
  }
  return names;
}

/** Names of the notes in the ELF's PT_NOTE program segments (postject stores the blob as one). */
function elfNoteNames(bytes: Buffer): string[] {
  const programHeaderOffset = Number(bytes.readBigUInt64LE(32));
  const entrySize = bytes.readUInt16LE(54);
  const entryCount = bytes.readUInt16LE(56);
  const PT_NOTE = 4;
  const names: string[] = [];
  for (let index = 0; index < entryCount; index++) {
    const header = programHeaderOffset + index * entrySize;
    if (header + 40 > bytes.length || bytes.readUInt32LE(header) !== PT_NOTE) continue;
    const start = Number(bytes.readBigUInt64LE(header + 8));
    const end = Math.min(bytes.length, start + Number(bytes.readBigUInt64LE(header + 32)));
    let note = start;
    while (note + 12 <= end) {
      const nameSize = bytes.readUInt32LE(note);
      const descriptionSize = bytes.readUInt32LE(note + 4);
      names.push(bytes.toString('latin1', note + 12, note + 12 + nameSize).replace(/\0+$/, ''));
      note += 12 + align4(nameSize) + align4(descriptionSize);
    }
  }
  return names;
}

/** The architecture a header's machine or CPU type field names, given that format's codes for x64 and arm64. */
function archOf(code: number, x64: number, arm64: number): ExecutableFacts['arch'] {
  return code === x64 ? 'x64' : code === arm64 ? 'arm64' : 'unknown';
}

function align4(value: number): number {
  return (value + 3) & ~3;
}
