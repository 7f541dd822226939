/** Row types of organizations, departments and their members (migration 0002). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OrganizationTables {}
