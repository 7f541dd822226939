/** Row types of organizations, departments and their members (migration 0002). */
export interface OrganizationsTable {
  /** Also the id of the organization's root department. */
  id: string;
  pool_id: string;
  code: string;
  created_at: string;
  updated_at: string;
}

export interface DepartmentsTable {
  id: string;
  pool_id: string;
  organization_id: string;
  /** NULL for the root department. */
  parent_id: string | null;
  name: string;
  /** NULL for the root department, whose code is the organization's. */
  code: string | null;
  open_department_id: string | null;
  description: string | null;
  i18n: string | null;
  custom_data: string;
  is_virtual_node: number;
  status: number;
  created_at: string;
  updated_at: string;
}

export interface DepartmentMembersTable {
  pool_id: string;
  department_id: string;
  user_id: string;
  is_leader: number;
  is_main_department: number;
  joined_at: string;
}

/** Migration 0024: the outside department a department came from. */
export interface DepartmentSyncRelationsTable {
  id: string;
  pool_id: string;
  department_id: string;
  provider: string;
  department_id_in_idp: string;
  created_at: string;
}

export interface OrganizationTables {
  organizations: OrganizationsTable;
  departments: DepartmentsTable;
  department_members: DepartmentMembersTable;
  department_sync_relations: DepartmentSyncRelationsTable;
}
