import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type FaultKind = 'throttle' | 'timeout' | 'transaction-throttled' | 'connection-refused';

export interface FaultPlan {
  /** Command name, e.g. 'TransactWriteItemsCommand', 'GetItemCommand', 'BatchGetItemCommand'. */
  readonly command: string;
  readonly kind: FaultKind;
  /** How many matching calls fail before the client behaves again (default: all of them). */
  times?: number;
}

function faultError(kind: FaultKind): Error {
  switch (kind) {
    case 'throttle':
      return Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
        name: 'ThrottlingException',
        $fault: 'client',
      });
    case 'timeout':
      return Object.assign(new Error('Connection timed out after 3000 ms'), { name: 'TimeoutError' });
    case 'connection-refused':
      return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { name: 'Error', code: 'ECONNREFUSED' });
    case 'transaction-throttled':
      return Object.assign(
        new Error('Transaction cancelled, please refer cancellation reasons for specific reasons [None, ThrottlingError]'),
        {
          name: 'TransactionCanceledException',
          CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }],
        },
      );
  }
}

/**
 * Makes a real DynamoDB client fail the way DynamoDB does under load, before
 * the request leaves (so nothing is written), after the SDK's own retries
 * would have given up. Everything not planned passes through to DynamoDB Local.
 */
export function injectFaults(client: DynamoDBDocumentClient): { plan(fault: FaultPlan): void; clear(): void; injected: number } {
  const plans: FaultPlan[] = [];
  const state = { injected: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const plan = plans.find(
        (candidate) => candidate.command === context.commandName && (candidate.times === undefined || candidate.times > 0),
      );
      if (plan) {
        if (plan.times !== undefined) plan.times -= 1;
        state.injected += 1;
        throw faultError(plan.kind);
      }
      return next(args);
    },
    { step: 'initialize', name: 'faultInjection', override: true },
  );
  return {
    plan: (fault) => plans.push({ ...fault }),
    clear: () => plans.splice(0),
    get injected() {
      return state.injected;
    },
  };
}
