import { randomBytes } from 'node:crypto';

/**
 * 24 lowercase hex characters, as GenAuth's ids: 4 bytes of seconds then 8 random bytes, so
 * new rows land at the end of primary-key indexes instead of scattering across them.
 */
export function newId(): string {
  const seconds = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return seconds + randomBytes(8).toString('hex');
}

export const ID_PATTERN = /^[0-9a-f]{24}$/;
