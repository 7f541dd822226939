/** Row types of the SCIM tables (migration 0012). */
export interface ScimTokensTable {
  id: string;
  pool_id: string;
  /** SHA-256 (hex) of the bearer token: the token itself is shown once and never stored. */
  token_hash: string;
  description: string | null;
  created_at: string;
  revoked_at: string | null;
}

export type DeactivateAction = 'suspend' | 'resign';
export type DeleteAction = 'resign' | 'delete';

export interface ScimSettingsTable {
  pool_id: string;
  deactivate_action: DeactivateAction;
  delete_action: DeleteAction;
  updated_at: string;
}

export interface ScimUserAttributesTable {
  user_id: string;
  pool_id: string;
  /** JSON: the SCIM attributes without a users column of their own. */
  data: string;
}

export interface ScimGroupAttributesTable {
  group_id: string;
  pool_id: string;
  external_id: string | null;
  data: string;
}

export interface ScimTables {
  scim_tokens: ScimTokensTable;
  scim_settings: ScimSettingsTable;
  scim_user_attributes: ScimUserAttributesTable;
  scim_group_attributes: ScimGroupAttributesTable;
}
