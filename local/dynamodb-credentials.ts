import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * DynamoDB Local has no bind option and no authentication, but without
 * `-sharedDb` it keeps one database per access key id and region. The runtime
 * therefore uses a random access key per run: a client on the network that does
 * not know the key gets an empty database of its own, never the runtime's table.
 * The key is handed to the admin CLI in a file only the user can read.
 */
export interface LocalDynamoDbCredentials {
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What the credentials file holds: everything the admin CLI needs to reach the runtime's table. */
export interface LocalDynamoDbAccess extends LocalDynamoDbCredentials {
  readonly endpoint: string;
  readonly table: string;
}

export const credentialsFileName = 'dynamodb-local-credentials.json';
const region = 'us-east-1';

export class CredentialsFileError extends Error {
  override readonly name = 'CredentialsFileError';
}

function freshCredentials(): LocalDynamoDbCredentials {
  // DynamoDB Local accepts only letters and digits in an access key id.
  return { region, accessKeyId: `L${randomBytes(16).toString('hex')}`, secretAccessKey: randomBytes(24).toString('hex') };
}

function isAccess(value: unknown): value is LocalDynamoDbAccess {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return ['region', 'accessKeyId', 'secretAccessKey', 'endpoint', 'table'].every(
    (field) => typeof record[field] === 'string' && record[field] !== '',
  );
}

/**
 * Reads a credentials file, refusing one that anyone but its owner (the
 * current user) may read or write: then the key is no longer a secret.
 */
export async function readCredentialsFile(file: string): Promise<LocalDynamoDbAccess> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new CredentialsFileError(`no credentials file at ${file}`);
  if ((info.mode & 0o077) !== 0) {
    throw new CredentialsFileError(`${file} is readable or writable by others (mode ${(info.mode & 0o777).toString(8)}); it must be 600`);
  }
  if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
    throw new CredentialsFileError(`${file} belongs to another user`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw new CredentialsFileError(`${file} is not a credentials file written by the local runtime`);
  }
  if (!isAccess(parsed)) throw new CredentialsFileError(`${file} is not a credentials file written by the local runtime`);
  return parsed;
}

export interface RunCredentials {
  readonly credentials: LocalDynamoDbCredentials;
  /** Where the credentials file is (written by publish()). */
  readonly file: string;
  /** Writes endpoint, table and key to the file, mode 600. */
  publish(endpoint: string, table: string): Promise<void>;
  /** Removes the file (and its folder) when it belonged to this run only. */
  discard(): Promise<void>;
}

/**
 * The credentials of this run. With a data folder the key is kept in it (the
 * database file is named after the key, so a new key would hide the data);
 * in memory every run gets a new key, and its file lives in a private
 * temporary folder removed on stop.
 */
export async function runCredentials(dataDirectory?: string): Promise<RunCredentials> {
  let folder: string;
  let credentials: LocalDynamoDbCredentials;
  let temporary = false;
  if (dataDirectory) {
    folder = path.resolve(dataDirectory);
    await mkdir(folder, { recursive: true });
    const kept = await readCredentialsFile(path.join(folder, credentialsFileName)).catch((error: unknown) => {
      if (error instanceof CredentialsFileError && error.message.startsWith('no credentials file')) return undefined;
      throw error;
    });
    credentials = kept ? { region: kept.region, accessKeyId: kept.accessKeyId, secretAccessKey: kept.secretAccessKey } : freshCredentials();
  } else {
    folder = await mkdtemp(path.join(os.tmpdir(), 'pin-remote-support-'));
    await chmod(folder, 0o700);
    credentials = freshCredentials();
    temporary = true;
  }
  const file = path.join(folder, credentialsFileName);
  return {
    credentials,
    file,
    async publish(endpoint, table) {
      const access: LocalDynamoDbAccess = { ...credentials, endpoint, table };
      await rm(file, { force: true });
      await writeFile(file, `${JSON.stringify(access, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    },
    async discard() {
      if (temporary) await rm(folder, { recursive: true, force: true });
    },
  };
}
