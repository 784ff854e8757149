/**
 * Named condition fragments for conditional writes, in terms of attributes
 * (storage knows no statuses). Each returns the expression text and the
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
  attributeIn: (attribute: string, allowed: readonly unknown[]): Condition => ({
    expression: `#in_${attribute} IN (${allowed.map((_, i) => `:in_${attribute}${i}`).join(', ')})`,
    names: { [`#in_${attribute}`]: attribute },
    values: Object.fromEntries(allowed.map((value, i) => [`:in_${attribute}${i}`, value])),
  }),
  /** The stored deadline, if any, lies ahead. */
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
