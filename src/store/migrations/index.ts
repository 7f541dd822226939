import type { Migration } from 'kysely';
import type { Dialect } from '../database.js';
import { foundation } from './0001_foundation.js';
import { organizations } from './0002_organizations.js';
import { access } from './0003_access.js';

/** Every migration in order; names never change once released. */
export function allMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_foundation': foundation(dialect),
    '0002_organizations': organizations(dialect),
    '0003_access': access(dialect),
  };
}
