import { randomFillSync } from 'node:crypto';

/** Random bytes drawn from the system in blocks: one call per 512 ids instead of one per id. */
const pool = Buffer.alloc(4096);
let used = pool.length;

/**
 * 24 lowercase hex characters, as GenAuth's ids: 4 bytes of seconds then 8 random bytes, so
 * new rows land at the end of primary-key indexes instead of scattering across them.
 */
export function newId(): string {
  const seconds = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  if (used + 8 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 8;
  return seconds + pool.toString('hex', used - 8, used);
}

export const ID_PATTERN = /^[0-9a-f]{24}$/;
