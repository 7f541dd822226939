/** Row types of permission namespaces, roles, role assignments, groups and group members (migration 0003). */
export interface NamespacesTable {
  id: string;
  pool_id: string;
  code: string;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface RolesTable {
  id: string;
  pool_id: string;
  namespace_id: string;
  code: string;
  name: string;
  description: string | null;
  /** ENABLE or DISABLE. */
  status: string;
  /** Milliseconds since the epoch; NULL means never. */
  disable_time: number | null;
  enable_permission_apply: number;
  created_at: string;
  updated_at: string;
  /** JSON object; added by migration 0023. */
  custom_data: string;
}

export type RoleTargetType = 'USER' | 'DEPARTMENT';

export interface RoleAssignmentsTable {
  pool_id: string;
  role_id: string;
  target_type: RoleTargetType;
  target_id: string;
  /** Equals target_id for USER targets (foreign key with cascade), else NULL. */
  user_id: string | null;
  /** Equals target_id for DEPARTMENT targets (foreign key with cascade), else NULL. */
  department_id: string | null;
  enable_time: number | null;
  end_time: number | null;
  created_at: string;
}

export interface GroupsTable {
  id: string;
  pool_id: string;
  code: string;
  name: string;
  description: string;
  type: string;
  custom_data: string;
  created_at: string;
  updated_at: string;
}

export interface GroupMembersTable {
  pool_id: string;
  group_id: string;
  user_id: string;
  created_at: string;
}

export interface RoleGroupTables {
  namespaces: NamespacesTable;
  roles: RolesTable;
  role_assignments: RoleAssignmentsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
}
