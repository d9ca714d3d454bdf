import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  CfnUserPoolGroup,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
  UserPoolClientIdentityProvider,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { CONSOLE_SCOPES } from '../shared/config';
import { ROLES } from '../shared/domain/principal';

export interface IdentityProps {
  /** Where the console is served (`<PublicBaseUrl>/console/`): its sign-in callback and sign-out return. */
  publicBaseUrl: string;
  /** The managed login domain's prefix: `https://<prefix>.auth.<region>.amazoncognito.com`. */
  domainPrefix: string;
}

/** Where Cognito sends the browser back after sign-in (the console's route; /v1/auth/config says it too). */
export const CONSOLE_CALLBACK_PATH = '/console/callback';
export const CONSOLE_SIGNED_OUT_PATH = '/console/';

/**
 * The people: a Cognito user pool where each role is a group (cognito:groups in the ID token) and
 * office staff carry their office in `custom:office`. Accounts are made by an administrator
 * (README: "the first admin user"); nobody signs themselves up. TOTP MFA is required: these
 * accounts read complainants' personal data. Two app clients: one for API clients that sign in
 * with SRP, and the console's, which signs in through Cognito's managed login pages (OAuth 2.0
 * authorization code; a public client without a secret, so the console uses PKCE).
 */
export class Identity extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly consoleClient: UserPoolClient;
  readonly domain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      customAttributes: { office: new StringAttribute({ minLen: 2, maxLen: 40, mutable: true }) },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of ROLES) {
      new CfnUserPoolGroup(this, `Group-${role}`, { userPoolId: this.userPool.userPoolId, groupName: role, description: `Role ${role}` });
    }
    // The API takes ID tokens: only they carry the groups and custom:office together. No OAuth
    // flows: with a managed login domain in the pool, CDK's default (implicit grant to
    // https://example.com) would hand tokens to a site that is not ours.
    this.client = this.userPool.addClient('ApiClient', {
      authFlows: { userSrp: true },
      disableOAuth: true,
      generateSecret: false,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      preventUserExistenceErrors: true,
      readAttributes: undefined,
    });
    // The console: authorization code only (no implicit grant, no password flows of its own), back
    // to the console's callback; the refresh token lasts a working day, as local sign-in does.
    this.consoleClient = this.userPool.addClient('ConsoleClient', {
      authFlows: { userSrp: false },
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: CONSOLE_SCOPES.map((s) => OAuthScope.custom(s)),
        callbackUrls: [`${props.publicBaseUrl}${CONSOLE_CALLBACK_PATH}`],
        logoutUrls: [`${props.publicBaseUrl}${CONSOLE_SIGNED_OUT_PATH}`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    this.domain = this.userPool.addDomain('Login', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // Managed login pages need a style for the app client; Cognito's own look is enough.
    const branding = new CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.consoleClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    branding.node.addDependency(this.domain);
  }
}
