/**
 * The one error type. Services throw it without knowing about HTTP: `statusCode` is the
 * business status GenAuth puts in the envelope (answered with HTTP 200, as the cloud does),
 * `apiCode` the published GenAuth code where one fits. Only authentication and transport
 * failures set `httpStatus`.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly apiCode: number | undefined,
    message: string,
    readonly httpStatus = 200,
    /** The cloud's wording for callers asking `x-authing-lang: zh-CN`; `message` is en-US. */
    readonly zh?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** The message in the caller's language: the cloud's Chinese where the table has it, else ours. */
  messageIn(lang: Lang): string {
    return lang === 'zh-CN' && this.zh !== undefined ? this.zh : this.message;
  }
}

/** The languages a caller can ask for with `x-authing-lang`. */
export type Lang = 'zh-CN' | 'en-US';

/** GenAuth's published codes (docs "错误代码"), and ours from 4600 up (see README). */
export const ApiCode = {
  NO_PERMISSION: 1001,
  USER_NOT_FOUND: 2004,
  USER_LOCKED: 2005,
  WRONG_PASSWORD: 2006,
  NOT_SIGNED_IN: 2020,
  USER_EXISTS: 2026,
  USERNAME_TAKEN: 2034,
  PHONE_TAKEN: 2035,
  USER_NOT_IN_POOL: 2036,
  POOL_NOT_FOUND: 2224,
  WRONG_CREDENTIALS: 2333,
  // Userpool's own range.
  VALIDATION: 4600,
  SIGNATURE_INVALID: 4601,
  SIGNATURE_STALE: 4602,
  SIGNATURE_REPLAYED: 4603,
  ACCESS_KEY_UNKNOWN: 4604,
  NOT_FOUND: 4605,
  CONFLICT: 4606,
  USER_RESIGNED: 4607,
  ROUTE_NOT_FOUND: 4608,
  BODY_TOO_LARGE: 4609,
  MALFORMED_BODY: 4610,
  // Sign-in and tokens.
  INVALID_CLIENT: 4620,
  SIGNIN_UNSUPPORTED: 4621,
  APP_ACCESS_DENIED: 4622,
  SIGNIN_THROTTLED: 4623,
  // Access keys.
  LAST_ACCESS_KEY: 4630,
  UNSUPPORTED: 4631,
  // The console and its administrators.
  NOT_ADMIN: 4640,
  NOT_CONSOLE_TOKEN: 4641,
  RESERVED: 4642,
  // The end user's own endpoints.
  SIGNUP_DISABLED: 4660,
  SIGNUP_UNSUPPORTED: 4661,
  INTERNAL: 4699,
} as const;

export const badRequest = (message: string, apiCode: number = ApiCode.VALIDATION) => new AppError(400, apiCode, message);
export const notFound = (message: string, apiCode: number = ApiCode.NOT_FOUND) => new AppError(404, apiCode, message);
export const conflict = (message: string, apiCode: number = ApiCode.CONFLICT) => new AppError(409, apiCode, message);
export const forbidden = (message: string, apiCode: number = ApiCode.NO_PERMISSION) => new AppError(403, apiCode, message);
export const unauthorized = (message: string, apiCode: number) => new AppError(401, apiCode, message, 401);

/** Keeps handlers flat: `assertThat(user, () => notFound('...'))`. */
export function assertThat(condition: unknown, error: () => AppError): asserts condition {
  if (!condition) throw error();
}
