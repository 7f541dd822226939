import { ApiCode, AppError } from '../../errors.js';

/** RFC 7644 §3.12 `scimType` values. */
export type ScimType =
  | 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidVers' | 'sensitive';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The one error type of the SCIM room: an HTTP status, an optional scimType and a detail naming the attribute. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    detail: string,
  ) {
    super(detail);
    this.name = 'ScimError';
  }
}

export const invalidValue = (detail: string) => new ScimError(400, 'invalidValue', detail);
export const invalidSyntax = (detail: string) => new ScimError(400, 'invalidSyntax', detail);
export const invalidFilter = (detail: string) => new ScimError(400, 'invalidFilter', detail);
export const invalidPath = (detail: string) => new ScimError(400, 'invalidPath', detail);
export const mutability = (detail: string) => new ScimError(400, 'mutability', detail);
export const uniqueness = (detail: string) => new ScimError(409, 'uniqueness', detail);
export const scimNotFound = (detail: string) => new ScimError(404, undefined, detail);
export const preconditionFailed = (detail: string) => new ScimError(412, undefined, detail);
export const unauthorizedScim = (detail: string) => new ScimError(401, undefined, detail);

/**
 * The errors of the services SCIM calls, in SCIM's terms: a taken unique value is `uniqueness`,
 * a resigned user `mutability`, anything else the services refuse is a bad value.
 */
export function fromAppError(error: AppError): ScimError {
  if (error.statusCode === 409) return uniqueness(error.message);
  if (error.statusCode === 404) return scimNotFound(error.message);
  if (error.apiCode === ApiCode.USER_RESIGNED) return mutability(error.message);
  if (error.statusCode === 401) return unauthorizedScim(error.message);
  if (error.statusCode === 403) return new ScimError(403, undefined, error.message);
  return invalidValue(error.message);
}

/** Runs a service call, answering its errors in SCIM terms; anything else goes on unchanged. */
export async function scimErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) throw fromAppError(error);
    throw error;
  }
}

export function toScimBody(error: ScimError) {
  return { schemas: [ERROR_SCHEMA], status: String(error.status), ...(error.scimType ? { scimType: error.scimType } : {}), detail: error.message };
}
