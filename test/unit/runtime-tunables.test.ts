import { describe, expect, it } from '@jest/globals';
import { printableTunables, tunablesInEnvironment } from '../../local/runtime.ts';

describe("the runtime's start-up line of tunables", () => {
  it('never takes a secret from the environment as a tunable, so never prints or forwards it', () => {
    const tunables = tunablesInEnvironment({
      ORIGIN_VERIFY_SECRET: 'origin-verify-value-42',
      PIN_SECRET: 'pin-secret-43',
      PIN_VALIDITY_SECONDS: '30',
      TRUST_CLOUDFRONT_VIEWER_ADDRESS: 'true',
    });
    expect(tunables).toEqual({ PIN_VALIDITY_SECONDS: '30', TRUST_CLOUDFRONT_VIEWER_ADDRESS: 'true' });
  });

  it('names secret-valued variables without their values in the line it prints', () => {
    const line = printableTunables({ WEBHOOK_SECRET: 'whsec_value-44', PIN_VALIDITY_SECONDS: '30' });
    expect(line).toBe('WEBHOOK_SECRET=(set, not shown) PIN_VALIDITY_SECONDS=30');
  });
});
