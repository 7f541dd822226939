import type { ApplicationRow } from '../store/applications.js';
import { ADMIN_NAMESPACE, ADMIN_ROLE, CONSOLE_IDENTIFIER } from '../store/administrators.js';
import { ApiCode, AppError } from '../errors.js';

/** The console's client id in the default pool; other pools' console clients have generated ids. */
export const DEFAULT_CONSOLE_CLIENT_ID = 'userpool-console';
/** What the console asks for: who the administrator is, and nothing else. */
export const CONSOLE_SCOPES = 'openid profile email';
export const CONSOLE_CALLBACK_PATH = '/console/callback';
export const CONSOLE_PATH = '/console';

/** The built-in console client is marked by its template, so an ordinary application can never pass for it. */
export const isConsoleClient = (app: Pick<ApplicationRow, 'template' | 'app_identifier'>) =>
  app.template === CONSOLE_IDENTIFIER && app.app_identifier === CONSOLE_IDENTIFIER;

/**
 * The redirect URIs the console client accepts besides its registered ones: the callback on the
 * origin the browser reached the provider at (the issuer's origin). Answering there cannot
 * redirect anywhere the browser was not already talking to, so it is no open redirector.
 */
export function consoleRedirects(app: Pick<ApplicationRow, 'template' | 'app_identifier'>, issuer: string | undefined): { login: string[]; logout: string[] } {
  if (!issuer || !isConsoleClient(app)) return { login: [], logout: [] };
  const origin = new URL(issuer).origin;
  return { login: [`${origin}${CONSOLE_CALLBACK_PATH}`], logout: [`${origin}${CONSOLE_PATH}`, `${origin}${CONSOLE_PATH}/`] };
}


/**
 * The reserved namespace and its admin role decide who may use the console: renaming or
 * deleting them over the API would strand every administrator, so only `userpool admins` and
 * assign-role / revoke-role touch them (disabling the role is allowed: it stops every console
 * token at once, an emergency brake).
 */
export function refuseReservedNamespace(codes: string[], field: string): void {
  if (codes.includes(ADMIN_NAMESPACE)) {
    throw new AppError(400, ApiCode.RESERVED, `${field}: "${ADMIN_NAMESPACE}" is reserved: its role "${ADMIN_ROLE}" makes administrators, so it cannot be renamed or deleted`);
  }
}

export function refuseReservedRole(roles: Array<{ code: string; namespace_code: string }>, field: string): void {
  if (roles.some((r) => r.code === ADMIN_ROLE && r.namespace_code === ADMIN_NAMESPACE)) {
    throw new AppError(400, ApiCode.RESERVED, `${field}: role "${ADMIN_ROLE}" of namespace "${ADMIN_NAMESPACE}" makes administrators; it cannot be renamed or deleted (\`userpool admins\` grants and removes it)`);
  }
}
