import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, decodeMasterKey, type MasterKeySource } from '../config.js';

/**
 * The master key itself, at start-up: the one from USERPOOL_MASTER_KEY, or the key file (SQLite
 * only), written on the first start owner-only (0600, in a directory made 0700) and read after.
 * `wx` makes the write fail rather than replace a file another process made meanwhile.
 */
export function readMasterKey(source: MasterKeySource): Buffer {
  if ('key' in source) return source.key;
  const { file } = source;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ConfigError(`USERPOOL_MASTER_KEY_FILE: cannot create ${file} (${(error as Error).message})`);
    }
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`USERPOOL_MASTER_KEY_FILE: cannot read ${file} (${(error as Error).message})`);
  }
  return decodeMasterKey(text, `USERPOOL_MASTER_KEY_FILE (${file})`);
}
