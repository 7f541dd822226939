import type { ApplicationRow } from '../store/applications.js';
import { CONSOLE_IDENTIFIER } from '../store/administrators.js';

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

