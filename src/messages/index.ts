import { ApiCode, AppError } from '../errors.js';

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

/**
 * A malformed parameter. Ours names the field and the reason; the cloud answers
 * `参数 <field> 格式错误` with the bare field name (`status`, not `advancedFilter[0].value`),
 * which `cloudField` gives when the two differ.
 */
export function invalidParam(field: string, reason: string, cloudField = field.replace(/\[\d+\]/g, '').split('.').pop()!): AppError {
  return fail(400, ApiCode.VALIDATION, `${field}: ${reason}`, `参数 ${cloudField} 格式错误`);
}
