import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/**
 * Named condition fragments for conditional writes, so that every transition
 * reads as the rule it enforces. Each returns the expression text and the
 * values it needs; `allOf` joins them.
 */
export interface Condition {
  readonly expression: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, unknown>;
}

export const conditions = {
  /** A PIN/ticket slot is free when nobody holds it or its holder expired (TTL deletion is lazy). */
  slotIsFreeAt: (nowEpoch: number): Condition => ({
    expression: '(attribute_not_exists(pk) OR #ttl <= :nowEpoch)',
    names: { '#ttl': 'ttl' },
    values: { ':nowEpoch': nowEpoch },
  }),
  notExpiredAt: (nowEpoch: number): Condition => ({
    expression: '(attribute_exists(pk) AND #ttl > :nowEpoch)',
    names: { '#ttl': 'ttl' },
    values: { ':nowEpoch': nowEpoch },
  }),
  statusIn: (statuses: readonly string[]): Condition => ({
    expression: `#status IN (${statuses.map((_, i) => `:status${i}`).join(', ')})`,
    names: { '#status': 'status' },
    values: Object.fromEntries(statuses.map((status, i) => [`:status${i}`, status])),
  }),
  ownedBy: (technicianId: string): Condition => ({
    expression: 'technicianId = :technicianId',
    values: { ':technicianId': technicianId },
  }),
  /** The current status has not timed out by itself. */
  deadlineNotPassed: (nowIso: string): Condition => ({
    expression: '(attribute_not_exists(deadlineAt) OR deadlineAt > :nowIso)',
    values: { ':nowIso': nowIso },
  }),
  deadlinePassed: (nowIso: string): Condition => ({
    expression: '(attribute_exists(deadlineAt) AND deadlineAt <= :nowIso)',
    values: { ':nowIso': nowIso },
  }),
  attributeEquals: (attribute: string, value: unknown): Condition => ({
    expression: `#eq_${attribute} = :eq_${attribute}`,
    names: { [`#eq_${attribute}`]: attribute },
    values: { [`:eq_${attribute}`]: value },
  }),
  attributeAbsentOrEquals: (attribute: string, value: unknown): Condition =>
    value === undefined
      ? { expression: `attribute_not_exists(#abs_${attribute})`, names: { [`#abs_${attribute}`]: attribute } }
      : {
          expression: `#abs_${attribute} = :abs_${attribute}`,
          names: { [`#abs_${attribute}`]: attribute },
          values: { [`:abs_${attribute}`]: value },
        },
};

export function allOf(...parts: Condition[]): Required<Condition> {
  return {
    expression: parts.map((part) => part.expression).join(' AND '),
    names: Object.assign({}, ...parts.map((part) => part.names ?? {})) as Record<string, string>,
    values: Object.assign({}, ...parts.map((part) => part.values ?? {})) as Record<string, unknown>,
  };
}

/** Why a transaction was cancelled, per item, in request order. */
export type CancellationReason = 'ConditionalCheckFailed' | 'TransactionConflict' | 'None' | string;

export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (error instanceof TransactionCanceledException || (error as { name?: string })?.name === 'TransactionCanceledException') {
    const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
    return reasons.map((reason) => reason.Code ?? 'None');
  }
  return undefined;
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/** A cancelled transaction whose cause is a lost race or a failed condition, not a fault. */
export function isLostRace(error: unknown): boolean {
  const reasons = cancellationReasons(error);
  return reasons !== undefined && reasons.some((reason) => reason === 'ConditionalCheckFailed' || reason === 'TransactionConflict');
}
