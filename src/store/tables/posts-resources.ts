/** Row types of posts, user posts, resources and authorizations (migration 0004). */
export interface PostsTable {
  id: string;
  pool_id: string;
  code: string;
  name: string;
  description: string | null;
  /** JSON array of department ids the post belongs to (informational, as in the cloud's PostInfoDto). */
  department_ids: string;
  created_at: string;
  updated_at: string;
}

export interface UserPostsTable {
  pool_id: string;
  post_id: string;
  user_id: string;
  created_at: string;
}

export interface ResourcesTable {
  id: string;
  pool_id: string;
  /** Code of the permission namespace (`default` when none is given). */
  namespace: string;
  code: string;
  name: string | null;
  description: string | null;
  type: string;
  /** JSON array of `{ name, description }`. */
  actions: string;
  api_identifier: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuthorizationsTable {
  id: string;
  pool_id: string;
  namespace: string;
  /** The granted resource; NULL for the `*` grant that covers every resource of the namespace. */
  resource_id: string | null;
  /** The code as granted (`*` or the resource's code), kept so listings need no join. */
  resource_code: string;
  resource_type: string;
  target_type: 'USER' | 'ROLE' | 'GROUP' | 'DEPARTMENT';
  /** users.id, roles.id, groups.id or departments.id: internal ids, so renaming a code keeps grants. */
  target_id: string;
  /** Set only for USER targets, so deleting a user cascades to their grants. */
  user_id: string | null;
  /** JSON array of action names; `*` means every action. */
  actions: string;
  effect: 'ALLOW' | 'DENY';
  created_at: string;
  updated_at: string;
}

export interface PostResourceTables {
  posts: PostsTable;
  user_posts: UserPostsTable;
  resources: ResourcesTable;
  authorizations: AuthorizationsTable;
}
