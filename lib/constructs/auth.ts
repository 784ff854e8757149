import { Aws, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
  UserPoolEmail,
  UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { RESOURCE_SERVER } from '#domain/integration-clients';
import { Construct } from 'constructs';
import { cognitoDomainPrefixBase } from '../names.ts';

export interface AuthProps {
  readonly removalPolicy: RemovalPolicy;
  readonly mfa: 'optional' | 'required';
  /** Hosted-UI domain prefix. @default <stack name>-<account id> */
  readonly domainPrefix?: string;
  /** Send Cognito's mails from this SES-verified address (SES in sesRegion). @default Cognito's built-in sender */
  readonly sesFromAddress?: string;
  /** @default the stack's region */
  readonly sesRegion?: string;
}

/**
 * Technicians' identities: a Cognito user pool only administrators can add
 * users to (admin CLI), the hosted UI, and the console's app client using the
 * authorization-code flow with PKCE (public client, no secret). Groups are data,
 * created by `npm run admin -- groups put` together with their permissions
 * (docs/decisions/0302-cognito-groups-are-data.md).
 */
export class Auth extends Construct {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  /** https://<prefix>.auth.<region>.amazoncognito.com */
  readonly hostedUiBaseUrl: string;
  /** The `iss` of the pool's tokens, as the HTTP API authorizer and the WebSocket authorizer check it. */
  readonly issuer: string;
  private client?: UserPoolClient;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Technicians', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: props.mfa === 'required' ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Cognito's own sender allows a few dozen mails a day and carries invitations with temporary passwords.
      ...(props.sesFromAddress
        ? { email: UserPoolEmail.withSES({ fromEmail: props.sesFromAddress, sesRegion: props.sesRegion ?? Stack.of(scope).region }) }
        : {}),
      // Plus adds compromised-credential and adaptive-authentication checks: $0.02 per active user and month.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: 'Your remote-support technician account',
        emailBody: 'Your user name is {username} and your temporary password is {####}. Sign in to the technician console to set your own.',
      },
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy,
    });
    if (props.mfa === 'optional') {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG2',
        reason:
          'MFA (TOTP) is offered to every technician; requiring it is one option away (-c mfa=required), left to the operator because it needs an authenticator app for each technician.',
      });
    }

    const stack = Stack.of(this);
    const domainPrefix = props.domainPrefix ?? Fn.join('-', [cognitoDomainPrefixBase(stack.stackName), Aws.ACCOUNT_ID]);
    this.domain = this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix } });
    this.hostedUiBaseUrl = `https://${domainPrefix}.auth.${stack.region}.amazoncognito.com`;
    // Spelled out as the tokens' `iss` claim reads; the ProviderURL attribute's format is not documented as a URL.
    this.issuer = `https://cognito-idp.${stack.region}.amazonaws.com/${this.userPool.userPoolId}`;
  }

  /**
   * The resource server of the integration API (scopes sessions.read and sessions.write) and one
   * confidential app client for a helpdesk system, using the client-credentials flow.
   */
  addIntegrationClient(): UserPoolClient {
    const read = new ResourceServerScope({ scopeName: 'sessions.read', scopeDescription: "Read a technician's sessions and their logs" });
    const write = new ResourceServerScope({
      scopeName: 'sessions.write',
      scopeDescription: 'Create sessions and PIN codes for a technician, and close them',
    });
    const resourceServer = new UserPoolResourceServer(this, 'IntegrationApi', {
      userPool: this.userPool,
      identifier: RESOURCE_SERVER,
      userPoolResourceServerName: 'Remote support integration API',
      scopes: [read, write],
    });
    return this.userPool.addClient('Helpdesk', {
      generateSecret: true,
      authFlows: {},
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { clientCredentials: true },
        scopes: [OAuthScope.resourceServer(resourceServer, read), OAuthScope.resourceServer(resourceServer, write)],
      },
    });
  }

  /** The console's app client; its id is the audience every technician token is checked against. */
  addConsoleClient(siteOrigin: string): UserPoolClient {
    if (this.client) throw new Error('the console client exists already');
    this.client = this.userPool.addClient('Console', {
      generateSecret: false,
      // Only for the smoke test (npm run smoke): the admin flow needs AWS credentials allowed
      // cognito-idp:AdminInitiateAuth, so it opens nothing to the internet.
      authFlows: { adminUserPassword: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${siteOrigin}/console/`],
        logoutUrls: [`${siteOrigin}/console/`],
      },
    });
    return this.client;
  }
}
