/** Row types of custom fields (migration 0023). */

export interface CustomFieldsTable {
  pool_id: string;
  /** USER, ROLE, GROUP or DEPARTMENT. */
  target_type: string;
  key: string;
  /** STRING, NUMBER, DATETIME, BOOLEAN or ENUM. */
  data_type: string;
  label: string;
  description: string | null;
  encrypted: number;
  is_unique: number;
  user_editable: number;
  visible_in_admin_console: number;
  visible_in_user_center: number;
  /** JSON array of { value, label } for ENUM fields. */
  options: string | null;
  i18n: string | null;
  created_at: string;
  updated_at: string;
}

/** What a pool changed about a built-in user field; absent columns keep the built-in default. */
export interface UserBaseFieldSettingsTable {
  pool_id: string;
  key: string;
  label: string | null;
  description: string | null;
  user_editable: number | null;
  visible_in_admin_console: number | null;
  visible_in_user_center: number | null;
  i18n: string | null;
  updated_at: string;
}

export interface CustomFieldTables {
  custom_fields: CustomFieldsTable;
  user_base_field_settings: UserBaseFieldSettingsTable;
}
