/**
 * The environment the handlers read once, at import. Import this module before
 * any handler: ES modules evaluate imports in order, so it runs first.
 */
Object.assign(process.env, {
  TABLE_NAME: 'unit-table',
  AWS_REGION: 'eu-central-1',
  AWS_ACCESS_KEY_ID: 'unit',
  AWS_SECRET_ACCESS_KEY: 'unit',
  PIN_SECRET: 'unit-test-secret-of-at-least-32-bytes!',
  WEBSOCKET_MANAGEMENT_ENDPOINT: 'http://127.0.0.1:9',
  JWT_ISSUER: 'http://127.0.0.1:9/dev',
  JWT_AUDIENCE: 'unit',
  ALLOWED_ORIGINS: 'https://support.example.com',
  PIN_MAX_DRAWS: '3',
  PERMISSION_CACHE_SECONDS: '0',
  TRUST_CLOUDFRONT_VIEWER_ADDRESS: 'true',
  ORIGIN_VERIFY_SECRET: 'unit-origin-verify-secret',
  LOG_LEVEL: 'SILENT',
});
