/** Row types of posts, user posts, resources and authorizations (migration 0004). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PostResourceTables {}
