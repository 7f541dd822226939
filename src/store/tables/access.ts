/** Row types of namespaces, roles, groups, posts, resources and authorizations (migration 0003). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AccessTables {}
