import type { FoundationTables } from './tables/foundation.js';
import type { OrganizationTables } from './tables/organizations.js';
import type { RoleGroupTables } from './tables/roles-groups.js';
import type { PostResourceTables } from './tables/posts-resources.js';
import type { AuditTables } from './tables/audit.js';
import type { ApplicationTables } from './tables/applications.js';
import type { ScimTables } from './tables/scim.js';
import type { DeliveryTables } from './tables/deliveries.js';
import type { HostedTables } from './tables/hosted.js';
import type { ScheduledTables } from './tables/scheduled.js';
import type { SecurityTables } from './tables/security.js';
import type { CustomFieldTables } from './tables/custom-fields.js';

/** Every table, one interface per family so each family's rows live beside its migration. */
export interface Database
  extends FoundationTables, OrganizationTables, RoleGroupTables, PostResourceTables, AuditTables, ApplicationTables, HostedTables, ScimTables, DeliveryTables, SecurityTables, ScheduledTables, CustomFieldTables {}
