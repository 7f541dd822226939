import type { FoundationTables } from './tables/foundation.js';
import type { OrganizationTables } from './tables/organizations.js';
import type { AccessTables } from './tables/access.js';

/** Every table, one interface per family so each family's rows live beside its migration. */
export interface Database extends FoundationTables, OrganizationTables, AccessTables {}
