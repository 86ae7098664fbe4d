import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * A secret key from a setting (base64; a Key Vault reference in Azure) or, locally, from a key file created on first
 * use so what it protects survives restarts. Azure never falls back to a file.
 */
export function loadSecretKey(opts: { name: string; value?: string; file: string; azure: boolean }): Buffer {
  if (opts.value) {
    const key = Buffer.from(opts.value, 'base64');
    if (key.length < 32) throw new Error(`${opts.name} must be base64 of at least 32 bytes.`);
    return key;
  }
  if (opts.azure) throw new Error(`${opts.name} is not set.`);
  const path = resolve(opts.file);
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
}
