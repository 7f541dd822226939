import type { Migration } from 'kysely';
import type { Dialect } from '../database.js';
import { foundation } from './0001_foundation.js';
import { organizations } from './0002_organizations.js';
import { rolesGroups } from './0003_roles_groups.js';
import { postsResources } from './0004_posts_resources.js';
import { audit } from './0005_audit.js';
import { applications } from './0006_applications.js';
import { applicationAccess } from './0007_application_access.js';
import { retention } from './0008_retention.js';
import { hosted } from './0010_hosted.js';
import { deliveries } from './0011_deliveries.js';
import { scim } from './0012_scim.js';
import { accessKeyOwners } from './0013_access_key_owners.js';
import { selfService } from './0016_self_service.js';
import { poolSigningKeys } from './0017_pool_signing_keys.js';
import { signatureNonces } from './0018_signature_nonces.js';
import { userIdentifiers } from './0018b_user_identifiers.js';
import { identityTokens } from './0018c_identity_tokens.js';
import { signinAddressFailures } from './0018d_signin_address_failures.js';
import { auditActors } from './0021_audit_actors.js';
import { scheduledResignations } from './0022_scheduled_resignations.js';
import { customFields } from './0023_custom_fields.js';
import { departmentSyncRelations } from './0024_department_sync_relations.js';
import { attemptBodies } from './0025_attempt_bodies.js';
import { deliveryIndexes } from './0026_delivery_indexes.js';
import { tokenCheckEpoch } from './0027_token_check_epoch.js';
import { outboxNotify } from './0028_outbox_notify.js';

/**
 * Every migration in order; names never change once released. The master key is needed only by
 * migrations that encrypt data already stored.
 */
export function allMigrations(dialect: Dialect, masterKey?: Buffer): Record<string, Migration> {
  return {
    '0001_foundation': foundation(dialect),
    '0002_organizations': organizations(dialect),
    '0003_roles_groups': rolesGroups(dialect),
    '0004_posts_resources': postsResources(dialect),
    '0005_audit': audit(dialect),
    '0006_applications': applications(dialect),
    '0007_application_access': applicationAccess(dialect),
    '0008_retention': retention(),
    '0010_hosted': hosted(dialect),
    '0011_deliveries': deliveries(dialect),
    '0012_scim': scim(dialect),
    '0013_access_key_owners': accessKeyOwners(),
    '0016_self_service': selfService(),
    '0017_pool_signing_keys': poolSigningKeys(),
    '0018_signature_nonces': signatureNonces(dialect),
    '0018b_user_identifiers': userIdentifiers(),
    '0018c_identity_tokens': identityTokens(masterKey),
    '0018d_signin_address_failures': signinAddressFailures(dialect),
    '0021_audit_actors': auditActors(),
    '0022_scheduled_resignations': scheduledResignations(dialect),
    '0023_custom_fields': customFields(dialect),
    '0024_department_sync_relations': departmentSyncRelations(dialect),
    '0025_attempt_bodies': attemptBodies(),
    '0026_delivery_indexes': deliveryIndexes(),
    '0027_token_check_epoch': tokenCheckEpoch(),
    '0028_outbox_notify': outboxNotify(dialect),
  };
}
