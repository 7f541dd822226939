import type { UsersTable } from '../store/tables/foundation.js';

/** Plain profile fields: wire name → column. One list serves create, update and the mapper. */
export const PROFILE_FIELDS = {
  name: 'name',
  nickname: 'nickname',
  photo: 'photo',
  phoneCountryCode: 'phone_country_code',
  birthdate: 'birthdate',
  country: 'country',
  province: 'province',
  city: 'city',
  address: 'address',
  streetAddress: 'street_address',
  postalCode: 'postal_code',
  company: 'company',
  browser: 'browser',
  device: 'device',
  givenName: 'given_name',
  familyName: 'family_name',
  middleName: 'middle_name',
  profile: 'profile',
  preferredUsername: 'preferred_username',
  website: 'website',
  zoneinfo: 'zoneinfo',
  locale: 'locale',
  formatted: 'formatted',
  region: 'region',
  identityNumber: 'identity_number',
} as const satisfies Record<string, keyof UsersTable>;

export type ProfileField = keyof typeof PROFILE_FIELDS;

/** Fields that identify a user: unique per pool. */
export const UNIQUE_FIELDS = ['username', 'email', 'phone', 'externalId'] as const;
export type UniqueField = (typeof UNIQUE_FIELDS)[number];

export const USER_STATUSES = ['Activated', 'Suspended', 'Deactivated', 'Resigned', 'Archived'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const USER_ID_TYPES = ['user_id', 'phone', 'email', 'username', 'external_id', 'identity', 'sync_relation'] as const;
export type UserIdType = (typeof USER_ID_TYPES)[number];
