/** Row types of permission namespaces, roles, role assignments, groups and group members (migration 0003). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RoleGroupTables {}
