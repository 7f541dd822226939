import type { Db, Tx } from '../store/database.js';
import type { EndedSession } from '../store/tokens.js';

/**
 * OpenID Connect Back-Channel Logout 1.0: queues a logout token for each ended session whose
 * application has a back-channel logout URI, in the caller's transaction.
 */
export async function announceLogout(_db: Db | Tx, _ended: EndedSession[]): Promise<void> {
  // Delivery is wired to the durable queue once it exists; until then nothing is queued.
}
