/**
 * What the static site learns at run time from `/config.json`, which the local
 * runtime serves and the CDK stack writes next to the site. No URL is ever
 * hard-coded in the pages.
 */
export type SiteAuthConfig =
  | {
      readonly mode: 'local';
      readonly tokenUrl: string;
      readonly technicians: readonly { readonly username: string; readonly displayName: string }[];
    }
  | {
      readonly mode: 'cognito';
      /** Hosted UI base, e.g. https://mydomain.auth.eu-central-1.amazoncognito.com */
      readonly domain: string;
      readonly clientId: string;
      readonly redirectUri: string;
      readonly logoutUri: string;
      readonly scopes: readonly string[];
    };

export interface SiteConfig {
  /** Base of the HTTP API, e.g. "/api" (same origin). */
  readonly apiBaseUrl: string;
  /** WebSocket API URL, absolute (ws:// locally, wss:// in AWS). */
  readonly webSocketUrl: string;
  readonly auth: SiteAuthConfig;
}
