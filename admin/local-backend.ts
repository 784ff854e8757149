import { randomUUID } from 'node:crypto';
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, type Table } from '#storage/dynamo-client';
import {
  deleteLocalTechnician,
  getGroups,
  getLocalTechnician,
  listGroups,
  listLocalTechnicians,
  putGroup,
  putLocalTechnician,
  type Group,
  type LocalTechnician,
} from '#storage/directory';
import { CredentialsFileError, readCredentialsFile, type LocalDynamoDbCredentials } from '../local/dynamodb-credentials.ts';
import { WebhookStore } from '#storage/webhooks';
import { AdminError, type AdminBackend, type NewTechnician, type TechnicianSummary } from './backend.ts';

/** For an endpoint given by hand: DynamoDB Local accepts any credentials; the SDK insists on having some. */
function ensureLocalCredentials(): void {
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}

const summary = (technician: LocalTechnician): TechnicianSummary => ({
  username: technician.username,
  displayName: technician.displayName,
  groups: technician.groups,
});

/** The local runtime's technician directory and group permissions, both in its DynamoDB table. */
export class LocalBackend implements AdminBackend {
  private readonly table: Table;
  readonly webhooks: WebhookStore;
  readonly allowPrivateWebhooks = true;

  constructor(endpoint: string, tableName: string, access?: LocalDynamoDbCredentials) {
    if (access) {
      // The SDK reads these when the client is built; the runtime's database is visible to this key only.
      Object.assign(process.env, {
        AWS_REGION: access.region,
        AWS_ACCESS_KEY_ID: access.accessKeyId,
        AWS_SECRET_ACCESS_KEY: access.secretAccessKey,
      });
      delete process.env.AWS_SESSION_TOKEN;
    } else {
      ensureLocalCredentials();
    }
    this.table = { client: createDocumentClient(endpoint), name: tableName };
    this.webhooks = new WebhookStore(this.table);
  }

  /** The local runtime's table, with the per-run key from the file it wrote (refused unless mode 600). */
  static async fromCredentialsFile(file: string): Promise<LocalBackend> {
    const access = await readCredentialsFile(file).catch((error: unknown) => {
      throw new AdminError(error instanceof CredentialsFileError ? error.message : `cannot read ${file}`);
    });
    return new LocalBackend(access.endpoint, access.table, access);
  }

  async createTechnician(technician: NewTechnician): Promise<TechnicianSummary> {
    if (await this.guard(getLocalTechnician(this.table, technician.username))) {
      throw new AdminError(`technician "${technician.username}" exists already`);
    }
    await this.requireGroups(technician.groups);
    const created: LocalTechnician = {
      username: technician.username,
      sub: randomUUID(),
      displayName: technician.displayName ?? technician.username,
      groups: [...new Set(technician.groups)],
    };
    await this.guard(putLocalTechnician(this.table, created));
    return summary(created);
  }

  async listTechnicians(): Promise<TechnicianSummary[]> {
    return (await this.guard(listLocalTechnicians(this.table))).map(summary);
  }

  async deleteTechnician(username: string): Promise<void> {
    await this.requireTechnician(username);
    await this.guard(deleteLocalTechnician(this.table, username));
  }

  async addToGroup(username: string, group: string): Promise<TechnicianSummary> {
    const technician = await this.requireTechnician(username);
    await this.requireGroups([group]);
    const updated = { ...technician, groups: [...new Set([...technician.groups, group])] };
    await this.guard(putLocalTechnician(this.table, updated));
    return summary(updated);
  }

  async putGroup(group: Group): Promise<void> {
    await this.guard(putGroup(this.table, group));
  }

  async listGroups(): Promise<Group[]> {
    return this.guard(listGroups(this.table));
  }

  close(): void {
    this.table.client.destroy();
  }

  private async requireTechnician(username: string): Promise<LocalTechnician> {
    const technician = await this.guard(getLocalTechnician(this.table, username));
    if (!technician) throw new AdminError(`no technician "${username}"`);
    return technician;
  }

  private async requireGroups(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    const found = new Set((await this.guard(getGroups(this.table, names))).map((group) => group.name));
    const missing = names.filter((name) => !found.has(name));
    if (missing.length > 0)
      throw new AdminError(
        `no group ${missing.map((name) => `"${name}"`).join(', ')}; create it first: groups put <name> [--private-sessions] [--pin-code]`,
      );
  }

  /** Turns "nothing listening" and "no such table" into messages that say what to do. */
  private async guard<T>(operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) {
        throw new AdminError(
          `table "${this.table.name}" does not exist at this endpoint; pass --table with the name the local runtime logs`,
        );
      }
      const code = (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;
      if (code === 'ECONNREFUSED' || (error instanceof Error && /ECONNREFUSED/.test(error.message))) {
        throw new AdminError('nothing answers at the DynamoDB endpoint; is the local runtime running (npm start)?');
      }
      throw error;
    }
  }
}
