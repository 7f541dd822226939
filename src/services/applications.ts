import { newId } from '../lib/ids.js';
import { decryptSecret, encryptSecret, randomSecret } from '../lib/secrets.js';
import * as store from '../store/applications.js';
import type { ApplicationRow } from '../store/applications.js';
import { isUniqueViolation, type Db, type Tx } from '../store/database.js';
import { fromBool, nowIso, opt, parseJson, toBool, toJson } from '../store/values.js';
import { ApiCode, AppError, badRequest, conflict, notFound } from '../errors.js';
import { CONSOLE_IDENTIFIER } from '../store/administrators.js';
import { isConsoleClient } from './console-client.js';
import {
  SETTINGS_KEYS, type ApplicationView, type CreateApplicationInput, type ListApplicationsInput, type OidcConfigInput, type UpdateApplicationInput,
} from '../schemas/applications.js';
import type { Scope } from './context.js';
import { enqueueEvent } from './outbox.js';

/** Lifetimes when an application does not set its own (seconds). */
export const DEFAULT_OIDC = {
  grant_types: ['password', 'refresh_token'],
  response_types: ['code'],
  id_token_signed_response_alg: 'RS256',
  token_endpoint_auth_method: 'client_secret_post',
  introspection_endpoint_auth_method: 'client_secret_post',
  revocation_endpoint_auth_method: 'client_secret_post',
  access_token_expire: 3600,
  id_token_expire: 3600,
  refresh_token_expire: 30 * 86_400,
} as const;

export type OidcSettings = Omit<typeof DEFAULT_OIDC, Endpoint> & Record<Endpoint, string> & Record<string, unknown>;
type Endpoint = 'token_endpoint_auth_method' | 'introspection_endpoint_auth_method' | 'revocation_endpoint_auth_method';

/** `spa` and `native` applications run where a secret cannot be kept: public OAuth clients. */
export const PUBLIC_APP_TYPES = ['spa', 'native'];
export const isPublicClient = (row: Pick<ApplicationRow, 'app_type'>) => PUBLIC_APP_TYPES.includes(row.app_type);

/** Public clients authenticate with no secret at the token endpoints unless configured otherwise. */
const PUBLIC_DEFAULTS = { token_endpoint_auth_method: 'none', introspection_endpoint_auth_method: 'none', revocation_endpoint_auth_method: 'none' };

export function oidcSettings(row: Pick<ApplicationRow, 'app_type' | 'oidc_config'>): OidcSettings {
  const defaults = isPublicClient(row) ? { ...DEFAULT_OIDC, ...PUBLIC_DEFAULTS } : DEFAULT_OIDC;
  return { ...defaults, ...parseJson<Record<string, unknown>>(row.oidc_config, {}) } as OidcSettings;
}

/** The back-channel logout URI of an application, when it set one. */
export function backchannelLogoutUri(row: ApplicationRow): string | undefined {
  const uri = oidcSettings(row).backchannel_logout_uri;
  return typeof uri === 'string' && uri !== '' ? uri : undefined;
}

/**
 * Redirect and logout URIs are compared to what clients send character for character, so they
 * must be absolute and without a fragment (RFC 6749 3.1.2); native apps may use their own scheme.
 */
function checkUris(field: string, uris: string[] | undefined): void {
  uris?.forEach((uri, i) => {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw badRequest(`${field}[${i}]: "${uri}" is not an absolute URI`);
    }
    if (url.hash || uri.includes('#')) throw badRequest(`${field}[${i}]: must not contain a fragment (#)`);
    if (/^(javascript|data|vbscript|file):$/i.test(url.protocol)) throw badRequest(`${field}[${i}]: the ${url.protocol} scheme is not allowed`);
  });
}

function checkUriFields(input: { redirectUris?: string[]; logoutRedirectUris?: string[]; initLoginUri?: string; oidcConfig?: OidcConfigInput }): void {
  checkUris('redirectUris', input.redirectUris);
  checkUris('logoutRedirectUris', input.logoutRedirectUris);
  if (input.initLoginUri) checkUris('initLoginUri', [input.initLoginUri]);
  const backchannel = input.oidcConfig?.backchannel_logout_uri;
  if (backchannel) {
    checkUris('oidcConfig.backchannel_logout_uri', [backchannel]);
    if (!/^https?:$/.test(new URL(backchannel).protocol)) throw badRequest('oidcConfig.backchannel_logout_uri: must be an http(s) URL');
  }
}

export function toApplicationView(row: ApplicationRow): ApplicationView {
  const settings = parseJson<Record<string, any>>(row.settings, {});
  return {
    appId: row.id,
    appIdentifier: row.app_identifier,
    appName: row.app_name,
    appLogo: row.app_logo,
    appDescription: opt(row.app_description),
    appType: row.app_type,
    userPoolId: row.pool_id,
    isIntegrateApp: row.template !== null,
    defaultProtocol: row.default_protocol,
    redirectUris: parseJson<string[]>(row.redirect_uris, []),
    logoutRedirectUris: parseJson<string[]>(row.logout_redirect_uris, []),
    initLoginUri: row.init_login_uri,
    ssoEnabled: toBool(row.sso_enabled),
    ssoEnabledAt: opt(row.sso_enabled_at),
    loginConfig: settings.loginConfig ?? {},
    registerConfig: settings.registerConfig ?? {},
    brandingConfig: settings.brandingConfig ?? {},
    oidcConfig: oidcSettings(row),
    samlProviderEnabled: settings.samlProviderEnabled ?? false,
    samlConfig: settings.samlConfig,
    oauthProviderEnabled: settings.oauthProviderEnabled ?? false,
    oauthConfig: settings.oauthConfig,
    casProviderEnabled: settings.casProviderEnabled ?? false,
    casConfig: settings.casConfig,
    customBrandingEnabled: false,
    customSecurityEnabled: false,
    template: opt(row.template),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function pickSettings(input: Record<string, unknown>, base: Record<string, unknown> = {}): Record<string, unknown> {
  const settings = { ...base };
  for (const key of SETTINGS_KEYS) if (input[key] !== undefined) settings[key] = input[key];
  return settings;
}

function identifierTaken(identifier: string): AppError {
  return conflict(`appIdentifier: "${identifier}" is already used by another application in this user pool`);
}

export async function findApplicationOrThrow(db: Db | Tx, poolId: string, appId: string, field = 'appId'): Promise<ApplicationRow> {
  const row = await store.findApplication(db, poolId, appId);
  if (!row) throw notFound(`${field}: no application "${appId}" in this user pool`);
  return row;
}

/** The console's identifier is reserved, and the built-in console client is not edited or deleted over the API. */
function refuseReserved(appIdentifier: string | undefined, row?: ApplicationRow): void {
  if (appIdentifier === CONSOLE_IDENTIFIER) throw new AppError(400, ApiCode.RESERVED, `appIdentifier: "${CONSOLE_IDENTIFIER}" is reserved for the built-in console client`);
  if (row && isConsoleClient(row)) throw new AppError(403, ApiCode.RESERVED, `appId: "${row.id}" is the built-in console client; it cannot be changed or deleted over the API`);
}

export async function createApplication(scope: Scope, input: CreateApplicationInput): Promise<ApplicationView> {
  refuseReserved(input.appIdentifier);
  if (!input.template && !input.appIdentifier) throw badRequest('appIdentifier: is required for a self-built application (one without template)');
  checkUriFields(input);
  const now = nowIso();
  const id = newId();
  const row: ApplicationRow = {
    id,
    pool_id: scope.poolId,
    app_identifier: input.appIdentifier ?? `${input.template}-${id}`,
    app_name: input.appName,
    app_logo: input.appLogo ?? '',
    app_description: input.appDescription ?? null,
    app_type: input.appType ?? 'web',
    default_protocol: input.defaultProtocol ?? 'oidc',
    template: input.template ?? null,
    redirect_uris: toJson(input.redirectUris ?? []),
    logout_redirect_uris: toJson(input.logoutRedirectUris ?? []),
    init_login_uri: input.initLoginUri ?? '',
    sso_enabled: fromBool(input.ssoEnabled),
    sso_enabled_at: input.ssoEnabled ? now : null,
    oidc_config: toJson(input.oidcConfig ?? {}),
    settings: toJson(pickSettings(input)),
    secret_enc: encryptSecret(scope.masterKey, randomSecret(24)),
    permission_strategy: 'ALLOW_ALL',
    created_at: now,
    updated_at: now,
  };
  const application = toApplicationView(row);
  try {
    await scope.db.transaction().execute(async (trx) => {
      await store.insertApplication(trx, row);
      await enqueueEvent(trx, scope, 'application:created', { appId: row.id, application });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw identifierTaken(row.app_identifier);
    throw error;
  }
  return application;
}

export async function getApplication(scope: Scope, appId: string): Promise<ApplicationView> {
  return toApplicationView(await findApplicationOrThrow(scope.db, scope.poolId, appId));
}

/** The few fields get/list-application-simple-info answer. */
function toSimpleInfo(view: ApplicationView) {
  const { appId, appIdentifier, appName, appLogo, appDescription, appType, isIntegrateApp } = view;
  return { appId, appIdentifier, appName, appLogo, ...(appDescription !== undefined ? { appDescription } : {}), appType, isIntegrateApp };
}

export async function getApplicationSimpleInfo(scope: Scope, appId: string) {
  return toSimpleInfo(await getApplication(scope, appId));
}

export async function listApplicationSimpleInfo(scope: Scope, input: ListApplicationsInput) {
  const { list, totalCount } = await listApplications(scope, input);
  return { list: list.map(toSimpleInfo), totalCount };
}

export async function listApplications(scope: Scope, input: ListApplicationsInput) {
  const page = input.page ?? 1;
  const limit = input.limit ?? 10;
  // The SDK always sends the three flags, false by default: only `true` narrows the list.
  const { rows, totalCount } = await store.listApplications(
    scope.db,
    scope.poolId,
    { keywords: input.keywords, integrateOnly: input.isIntegrateApp === true, selfBuiltOnly: input.isSelfBuiltApp === true, ssoEnabledOnly: input.ssoEnabled === true },
    page,
    limit,
  );
  return { list: rows.map(toApplicationView), totalCount };
}

export async function updateApplication(scope: Scope, input: UpdateApplicationInput): Promise<{ success: boolean }> {
  checkUriFields(input);
  try {
    await scope.db.transaction().execute(async (trx) => {
      const row = await findApplicationOrThrow(trx, scope.poolId, input.appId);
      refuseReserved(input.appIdentifier, row);
      const now = nowIso();
      const changes: Partial<ApplicationRow> = { updated_at: now, settings: toJson(pickSettings(input, parseJson(row.settings, {}))) };
      if (input.appName !== undefined) changes.app_name = input.appName;
      if (input.appIdentifier !== undefined) changes.app_identifier = input.appIdentifier;
      if (input.appLogo !== undefined) changes.app_logo = input.appLogo;
      if (input.appDescription !== undefined) changes.app_description = input.appDescription;
      if (input.defaultProtocol !== undefined) changes.default_protocol = input.defaultProtocol;
      if (input.redirectUris !== undefined) changes.redirect_uris = toJson(input.redirectUris);
      if (input.logoutRedirectUris !== undefined) changes.logout_redirect_uris = toJson(input.logoutRedirectUris);
      if (input.initLoginUri !== undefined) changes.init_login_uri = input.initLoginUri;
      if (input.ssoEnabled !== undefined && input.ssoEnabled !== toBool(row.sso_enabled)) {
        changes.sso_enabled = fromBool(input.ssoEnabled);
        changes.sso_enabled_at = input.ssoEnabled ? now : null;
      }
      if (input.oidcConfig !== undefined) {
        changes.oidc_config = toJson({ ...parseJson<OidcConfigInput>(row.oidc_config, {}), ...input.oidcConfig });
      }
      await store.updateApplication(trx, scope.poolId, row.id, changes);
      await enqueueEvent(trx, scope, 'application:updated', { appId: row.id, application: toApplicationView({ ...row, ...changes }) });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw identifierTaken(input.appIdentifier ?? '');
    throw error;
  }
  return { success: true };
}

/** Deleting an application ends its sessions: they and their refresh tokens cascade. */
export async function deleteApplication(scope: Scope, appId: string): Promise<{ success: boolean }> {
  await scope.db.transaction().execute(async (trx) => {
    const row = await findApplicationOrThrow(trx, scope.poolId, appId);
    refuseReserved(undefined, row);
    await store.deleteApplication(trx, scope.poolId, appId);
    await enqueueEvent(trx, scope, 'application:deleted', { appId, appIdentifier: row.app_identifier, appName: row.app_name });
  });
  return { success: true };
}

export async function getApplicationSecret(scope: Scope, appId: string): Promise<{ secret: string }> {
  const row = await findApplicationOrThrow(scope.db, scope.poolId, appId);
  return { secret: decryptSecret(scope.masterKey, row.secret_enc) };
}

/** The old secret stops working at once; tokens already issued stay valid until they expire. */
export async function refreshApplicationSecret(scope: Scope, appId: string): Promise<{ secret: string }> {
  const secret = randomSecret(24);
  await scope.db.transaction().execute(async (trx) => {
    await findApplicationOrThrow(trx, scope.poolId, appId);
    await store.updateApplication(trx, scope.poolId, appId, { secret_enc: encryptSecret(scope.masterKey, secret), updated_at: nowIso() });
    // Never the secret itself: a receiver that needs it asks get-application-secret.
    await enqueueEvent(trx, scope, 'application:secret-refreshed', { appId });
  });
  return { secret };
}

