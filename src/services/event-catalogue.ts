/**
 * The events a webhook can subscribe to: every name GenAuth's CreateWebhookDto lists (so code
 * written against the SDK subscribes unchanged) plus Userpool's own (`user:resigned`). The ones
 * Userpool emits are marked `emitted`; the README lists them with their data. An event type that
 * is not here cannot be emitted (the type below) nor subscribed to (create-webhook refuses it).
 */
export const CATEGORIES = [
  { value: 'basic', name: '基础事件', nameEn: 'Basic' },
  { value: 'user', name: '用户', nameEn: 'Users' },
  { value: 'role', name: '角色', nameEn: 'Roles' },
  { value: 'permission', name: '权限', nameEn: 'Permissions' },
  { value: 'group', name: '分组', nameEn: 'Groups' },
  { value: 'organization', name: '组织机构', nameEn: 'Organizations' },
  { value: 'application', name: '应用', nameEn: 'Applications' },
  { value: 'user-pool', name: '用户池', nameEn: 'User pool' },
  { value: 'data-resource', name: '数据资源', nameEn: 'Data resources' },
] as const;

type Category = (typeof CATEGORIES)[number]['value'];

const E = <V extends string>(value: V, category: Category, name: string, nameEn: string, emitted = false) => ({ value, category, name, nameEn, emitted });

export const EVENTS = [
  E('test', 'basic', '测试事件', 'Test event', true),
  E('register', 'basic', '用户注册', 'User registered', true),
  E('login', 'basic', '用户登录', 'User signed in', true),
  E('mfa:verified', 'basic', 'MFA 验证', 'MFA verified'),
  E('kick', 'basic', '强制下线', 'User signed out by an administrator', true),
  E('refresh-token', 'basic', '刷新令牌', 'Token refreshed'),
  E('unusual-location:login', 'basic', '异地登录', 'Sign-in from an unusual location'),
  E('user:created', 'user', '创建用户', 'User created', true),
  E('user:updated', 'user', '修改用户信息', 'User updated', true),
  E('user:deleted', 'user', '删除用户', 'User deleted', true),
  E('user:password-changed', 'user', '修改密码', 'Password changed', true),
  E('user:resigned', 'user', '用户离职', 'User resigned (Userpool)', true),
  E('user:email-verified', 'user', '邮箱验证', 'Email verified', true),
  E('user:archived', 'user', '归档用户', 'User archived', true),
  E('user:unarchived', 'user', '取消归档用户', 'User unarchived', true),
  E('user:blocked', 'user', '禁用用户', 'User blocked', true),
  E('user:unblocked', 'user', '启用用户', 'User unblocked', true),
  E('user:register-whitelist-added', 'user', '添加注册白名单', 'Registration allow-list entry added'),
  E('user:register-whitelist-deleted', 'user', '删除注册白名单', 'Registration allow-list entry removed'),
  E('user:udv-changed', 'user', '用户自定义数据变更', 'User custom data changed'),
  E('user:link-account', 'user', '关联账号', 'Account linked', true),
  E('user:password-update-remind', 'user', '密码到期提醒', 'Password expiry reminder'),
  E('user:organization-node-update', 'user', '用户部门变更', 'User departments changed', true),
  E('role:created', 'role', '创建角色', 'Role created', true),
  E('role:updated', 'role', '修改角色', 'Role updated', true),
  E('role:deleted', 'role', '删除角色', 'Role deleted', true),
  E('role:disable', 'role', '禁用角色', 'Role disabled'),
  E('role:assigned', 'role', '授权角色', 'Role assigned', true),
  E('role:unassigned', 'role', '取消授权角色', 'Role unassigned', true),
  E('subject:remove', 'role', '移除角色主体', 'Subject removed from a role'),
  E('role:udv-changed', 'role', '角色自定义数据变更', 'Role custom data changed'),
  E('permission:add', 'permission', '授权', 'Permission granted', true),
  E('permission:revoke', 'permission', '撤销授权', 'Permission revoked', true),
  E('resource:created', 'permission', '创建资源', 'Resource created', true),
  E('resource:updated', 'permission', '修改资源', 'Resource updated', true),
  E('resource:delete', 'permission', '删除资源', 'Resource deleted', true),
  E('privilege-namespace:created', 'permission', '创建权限分组', 'Permission namespace created', true),
  E('privilege-namespace:updated', 'permission', '修改权限分组', 'Permission namespace updated', true),
  E('privilege-namespace:deleted', 'permission', '删除权限分组', 'Permission namespace deleted', true),
  E('data-strategy-permission:add', 'permission', '数据策略授权', 'Data policy permission granted'),
  E('data-strategy-permission:revoke', 'permission', '撤销数据策略授权', 'Data policy permission revoked'),
  E('group:created', 'group', '创建分组', 'Group created', true),
  E('group:updated', 'group', '修改分组', 'Group updated', true),
  E('group:deleted', 'group', '删除分组', 'Group deleted', true),
  E('group:member-added', 'group', '分组添加成员', 'Group member added', true),
  E('group:member-removed', 'group', '分组移除成员', 'Group member removed', true),
  E('organization:created', 'organization', '创建组织机构', 'Organization created', true),
  E('organization:imported', 'organization', '导入组织机构', 'Organization imported'),
  E('organization:deleted', 'organization', '删除组织机构', 'Organization deleted', true),
  E('organization:node-added', 'organization', '添加部门', 'Department added', true),
  E('organization:node-updated', 'organization', '修改部门', 'Department updated', true),
  E('organization:tree-updated', 'organization', '组织树变更', 'Organization tree updated'),
  E('organization:node-deleted', 'organization', '删除部门', 'Department deleted', true),
  E('organization:node-moved', 'organization', '移动部门', 'Department moved', true),
  E('organization:member-added', 'organization', '部门添加成员', 'Department member added', true),
  E('organization:member-removed', 'organization', '部门移除成员', 'Department member removed', true),
  E('organization:udv-changed', 'organization', '组织自定义数据变更', 'Organization custom data changed'),
  E('application:created', 'application', '创建应用', 'Application created', true),
  E('application:updated', 'application', '修改应用', 'Application updated', true),
  E('application:deleted', 'application', '删除应用', 'Application deleted', true),
  E('application:secret-refreshed', 'application', '刷新应用密钥', 'Application secret refreshed', true),
  E('application:mfa:enabled', 'application', '开启应用 MFA', 'Application MFA enabled'),
  E('application:mfa:disabled', 'application', '关闭应用 MFA', 'Application MFA disabled'),
  E('user-pool:cooperator-added', 'user-pool', '添加协作管理员', 'Co-administrator added'),
  E('user-pool:cooperator-removed', 'user-pool', '移除协作管理员', 'Co-administrator removed'),
  E('user-pool:secret-refreshed', 'user-pool', '刷新用户池密钥', 'User pool secret refreshed'),
  E('user-pool:updated', 'user-pool', '修改用户池', 'User pool updated', true),
  E('user-pool:udf-added', 'user-pool', '添加自定义字段', 'Custom field added'),
  E('user-pool:udf-deleted', 'user-pool', '删除自定义字段', 'Custom field removed'),
  E('user-pool:env-added', 'user-pool', '添加环境变量', 'Environment variable added'),
  E('user-pool:env-deleted', 'user-pool', '删除环境变量', 'Environment variable removed'),
  E('user-pool:env-updated', 'user-pool', '修改环境变量', 'Environment variable updated'),
  E('user-pool:launchpad-app-installed', 'user-pool', '安装应用面板应用', 'Launchpad application installed'),
  E('user-pool:launchpad-app-uninstalled', 'user-pool', '卸载应用面板应用', 'Launchpad application uninstalled'),
  E('data-resource:created', 'data-resource', '创建数据资源', 'Data resource created'),
  E('data-resource:updated', 'data-resource', '修改数据资源', 'Data resource updated'),
  E('data-resource:deleted', 'data-resource', '删除数据资源', 'Data resource deleted'),
] as const;

/** Every event name; `emit` accepts only these, so a typo fails the type check. */
export type EventName = (typeof EVENTS)[number]['value'];

const NAMES = new Set<string>(EVENTS.map((e) => e.value));
export const isEventName = (name: string): name is EventName => NAMES.has(name);
