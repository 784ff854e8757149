import { describe, expect, it } from '@jest/globals';
import { tunablesInEnvironment } from '../../local/runtime.ts';

describe("the runtime's start-up line of tunables", () => {
  it('names secret-valued variables without their values', () => {
    const shown = tunablesInEnvironment({ ORIGIN_VERIFY_SECRET: 'origin-verify-value-42', PIN_VALIDITY_SECONDS: '30', TRUST_CLOUDFRONT_VIEWER_ADDRESS: 'true' });
    expect(shown).toEqual({ ORIGIN_VERIFY_SECRET: '(set, not shown)', PIN_VALIDITY_SECONDS: '30', TRUST_CLOUDFRONT_VIEWER_ADDRESS: 'true' });
    expect(JSON.stringify(shown)).not.toContain('origin-verify-value-42');
  });
});
