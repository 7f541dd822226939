/** Row types of organizations and departments (migration 0002). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OrganizationTables {}
