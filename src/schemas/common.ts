import Type, { type TSchema } from 'typebox';
import { USER_ID_TYPES, USER_STATUSES } from '../services/user-fields.js';

/** A string limited to the given values; `enum` gives one clear validation message. */
export const StringEnum = <T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

/**
 * userIdType accepts any string here so that the resolver, not the schema, answers unknown
 * types with the list of valid ones (the same message on every endpoint).
 */
export const UserIdType = Type.Optional(Type.String({ description: `one of ${USER_ID_TYPES.join(', ')}; default user_id` }));
export const UserStatus = StringEnum(USER_STATUSES);
export const Id = Type.String({ minLength: 1, maxLength: 512 });
export const Success = Type.Object({ success: Type.Boolean() }, { $id: 'Success' });
/**
 * The highest page number any list takes: far past the end of any real table, yet low enough
 * that `(page - 1) * limit` stays an exact integer both databases take as an OFFSET.
 */
export const MAX_PAGE = 10_000_000;
export const Page = Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1 }));
export const Limit = (max = 50) => Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: 10 }));
export const Paginated = <T extends TSchema>(item: T) => Type.Object({ list: Type.Array(item), totalCount: Type.Integer() });
