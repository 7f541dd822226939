import { AppError } from '../errors.js';

/**
 * Each API family keeps its error messages in one frozen table (`src/messages/<family>.ts`):
 * every entry makes an AppError with the status, the apiCode, our field-naming English message
 * (answered to `x-authing-lang: en-US`) and the cloud's Chinese wording (answered to `zh-CN`,
 * the SDK's default), so a test suite written against the cloud reads the messages it expects.
 */
export function fail(statusCode: number, apiCode: number | undefined, en: string, zh: string): AppError {
  return new AppError(statusCode, apiCode, en, 200, zh);
}

export function table<T extends Record<string, (...args: never[]) => AppError>>(entries: T): Readonly<T> {
  return Object.freeze(entries);
}
