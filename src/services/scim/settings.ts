import type { Db, Tx } from '../../store/database.js';
import * as store from '../../store/scim.js';
import type { DeactivateAction, DeleteAction } from '../../store/tables/scim.js';
import { nowIso } from '../../store/values.js';
import { badRequest } from '../../errors.js';

export interface ScimSettings {
  /** What `active: false` does: `suspend` (default, reversible) or `resign`. */
  deactivate: DeactivateAction;
  /** What DELETE does: `resign` (default, the record is kept) or `delete` (hard delete). */
  delete: DeleteAction;
}

export const DEFAULT_SCIM_SETTINGS: ScimSettings = { deactivate: 'suspend', delete: 'resign' };
const DEACTIVATE: DeactivateAction[] = ['suspend', 'resign'];
const DELETE: DeleteAction[] = ['resign', 'delete'];

export async function getScimSettings(db: Db | Tx, poolId: string): Promise<ScimSettings> {
  const row = await store.findSettings(db, poolId);
  return row ? { deactivate: row.deactivate_action, delete: row.delete_action } : { ...DEFAULT_SCIM_SETTINGS };
}

/** Changes the given settings of a pool, keeping the others; answers them all. */
export async function setScimSettings(db: Db, poolId: string, changes: { deactivate?: string; delete?: string }): Promise<ScimSettings> {
  if (changes.deactivate !== undefined && !DEACTIVATE.includes(changes.deactivate as DeactivateAction)) {
    throw badRequest(`deactivate: must be one of ${DEACTIVATE.join(', ')}`);
  }
  if (changes.delete !== undefined && !DELETE.includes(changes.delete as DeleteAction)) {
    throw badRequest(`delete: must be one of ${DELETE.join(', ')}`);
  }
  const current = await getScimSettings(db, poolId);
  const next: ScimSettings = {
    deactivate: (changes.deactivate as DeactivateAction | undefined) ?? current.deactivate,
    delete: (changes.delete as DeleteAction | undefined) ?? current.delete,
  };
  await store.saveSettings(db, { pool_id: poolId, deactivate_action: next.deactivate, delete_action: next.delete, updated_at: nowIso() });
  return next;
}
