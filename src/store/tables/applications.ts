/** Row types of applications, tokens, sessions and login history (migration 0006). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ApplicationTables {}
