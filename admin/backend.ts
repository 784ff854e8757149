import type { Group } from '#storage/directory';
import type { WebhookStore } from '#storage/webhooks';

export interface TechnicianSummary {
  readonly username: string;
  readonly displayName?: string;
  readonly email?: string;
  readonly groups: readonly string[];
  /** Cognito user status (FORCE_CHANGE_PASSWORD, CONFIRMED, ...); absent locally. */
  readonly status?: string;
}

export interface NewTechnician {
  readonly username: string;
  readonly email?: string;
  readonly displayName?: string;
  readonly groups: readonly string[];
}

/** Where technicians and groups live: the local runtime's table, or Cognito + DynamoDB of a stack. */
export interface AdminBackend {
  createTechnician(technician: NewTechnician): Promise<TechnicianSummary>;
  listTechnicians(): Promise<TechnicianSummary[]>;
  deleteTechnician(username: string): Promise<void>;
  addToGroup(username: string, group: string): Promise<TechnicianSummary>;
  putGroup(group: Group): Promise<void>;
  /** Groups with their permissions; a Cognito group without stored permissions has none. */
  listGroups(): Promise<Group[]>;
  /** Webhook endpoints and their delivery log, in the product table. */
  readonly webhooks: WebhookStore;
  /** Locally endpoints on this machine are fine; a stack refuses private, loopback and link-local ones. */
  readonly allowPrivateWebhooks: boolean;
  close(): void;
}

/** A failure the operator can act on; printed without a stack trace, exit code 1. */
export class AdminError extends Error {
  override readonly name = 'AdminError';
}
