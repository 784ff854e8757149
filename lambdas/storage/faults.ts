import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/**
 * A storage fault a retry may cure (throttling, a timeout, a refused
 * connection). Storage translates the SDK's many shapes of it into this one
 * error, so adapters answer 503 + Retry-After without knowing DynamoDB.
 */
export class StorageUnavailable extends Error {
  constructor(cause: unknown) {
    super('The table is throttled or unreachable.', { cause });
    this.name = 'StorageUnavailable';
  }
}

const transientErrorNames = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'ECONNREFUSED',
  'ECONNRESET',
]);

const transientCancellationCodes = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded']);

/** Throttling, timeouts and lost connections, however the SDK reports them (by name, by code, as a cause, per transaction item). */
export function isTransientFault(error: unknown): boolean {
  const candidate = error as { name?: string; code?: string; cause?: unknown } | undefined;
  if (!candidate) return false;
  if (candidate instanceof StorageUnavailable) return true;
  if (transientErrorNames.has(candidate.name ?? '') || transientErrorNames.has(candidate.code ?? '')) return true;
  if (candidate.name === 'TransactionCanceledException') {
    return (cancellationReasons(error) ?? []).some((reason) => transientCancellationCodes.has(reason.code));
  }
  return candidate.cause !== undefined && isTransientFault(candidate.cause);
}

/** The error as callers of storage see it: transient faults become StorageUnavailable, anything else passes unchanged. */
export function classified(error: unknown): unknown {
  return error instanceof StorageUnavailable || !isTransientFault(error) ? error : new StorageUnavailable(error);
}

/** Runs one call to the table, translating its transient faults. */
export async function guarded<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw classified(error);
  }
}

export interface CancellationReason {
  /** `ConditionalCheckFailed`, `TransactionConflict`, `None`, `ThrottlingError`, ... */
  readonly code: string;
  /** With ReturnValuesOnConditionCheckFailure: whether the item existed when its condition failed. */
  readonly itemExisted: boolean;
}

/** Why a transaction was cancelled, per item, in request order; undefined for any other error. */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (error instanceof TransactionCanceledException || (error as { name?: string })?.name === 'TransactionCanceledException') {
    const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
    return reasons.map((reason) => ({
      code: reason.Code ?? 'None',
      itemExisted: reason.Item !== undefined && Object.keys(reason.Item).length > 0,
    }));
  }
  return undefined;
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}
