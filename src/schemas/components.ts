import type { TSchema } from 'typebox';
import { Success } from './common.js';
import { CreateUserBody, CreateUserOptions, CreateUsersBatchBody, Identity, IdentityInput, ListUsersBody, UpdateUserBody, User, UserChanges } from './users.js';
import { Group } from './groups.js';
import { Department, Organization, UserDepartment } from './organizations.js';
import { Role } from './roles.js';
import { Post, PostItem } from './posts.js';
import { AuthorizedResource, Resource } from './resources.js';
import { Application } from './applications.js';
import { AccessKey } from './access-keys.js';
import { BaseField, CustomField } from './custom-fields.js';
import { RetryConfig, Webhook, WebhookLog } from './webhooks.js';
import { Schedule } from './offboarding.js';

/**
 * The schemas that several routes share, each named by its `$id`: registered once and
 * referenced from the routes (see server/schema-components.ts), so the OpenAPI document lists
 * each once under `components.schemas`. A schema given an `$id` must be listed here.
 */
export const COMPONENTS: readonly TSchema[] = [
  Success,
  User,
  Identity,
  IdentityInput,
  CreateUserOptions,
  CreateUserBody,
  CreateUsersBatchBody,
  UpdateUserBody,
  UserChanges,
  ListUsersBody,
  Group,
  Organization,
  Department,
  UserDepartment,
  Role,
  Post,
  PostItem,
  Resource,
  AuthorizedResource,
  Application,
  AccessKey,
  CustomField,
  BaseField,
  Webhook,
  RetryConfig,
  WebhookLog,
  Schedule,
];

/** The components some route answers whole as its `data`: their envelopes are components too. */
export const ANSWERED: readonly TSchema[] = [Success, User, Organization, Department, Role, Group, Post, Resource, Application, Webhook];
