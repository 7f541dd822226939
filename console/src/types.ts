// The shapes the console reads, as the management API answers them (GenAuth's DTOs).

export interface User {
  userId: string;
  createdAt: string;
  status: string;
  workStatus: string;
  statusChangedAt?: string;
  email?: string;
  phone?: string;
  username?: string;
  externalId?: string;
  name?: string;
  nickname?: string;
  loginsCount: number;
  lastLogin?: string;
  lastIp?: string;
  userSourceType: string;
}

export interface Organization {
  organizationCode: string;
  organizationName: string;
  departmentId: string;
}

export interface Department {
  organizationCode: string;
  departmentId: string;
  name: string;
  code?: string;
  parentDepartmentId: string;
  membersCount: number;
  hasChildren: boolean;
}

export interface Role {
  id: string;
  code: string;
  name: string;
  description: string;
  namespace: string;
  status: string;
}

export interface Namespace {
  code: string;
  name: string;
}

export interface Group {
  id: string;
  code: string;
  name: string;
  description: string;
  type: string;
}

export interface Post {
  id: string;
  code: string;
  name: string;
  description?: string;
  departmentIdList: string[];
  userCount?: number;
}

/** The seven ways to name a person, as every resignation endpoint accepts them. */
export const USER_ID_TYPES = ['user_id', 'email', 'phone', 'username', 'external_id', 'identity', 'sync_relation'] as const;
export type UserIdType = (typeof USER_ID_TYPES)[number];

export const displayName = (u: Partial<User>) => u.name || u.nickname || u.username || u.email || u.phone || u.userId || '';
