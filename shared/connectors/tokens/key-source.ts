import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Settings } from '../../platform/config';

/** A 256-bit data key and the id it is stored under, so old ciphertexts stay readable after a rotation. */
export interface DataKey {
  id: string;
  key: Buffer;
}

/** Where the token-encryption key comes from: Key Vault in Azure, a key file locally. */
export interface KeySource {
  /** The key new ciphertexts are written with. */
  current(): Promise<DataKey>;
  /** The key with that id (an older version after rotation). */
  byId(id: string): Promise<DataKey>;
}

function parseKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error('The connector token key must be 32 bytes, base64-encoded.');
  return key;
}

/** Local mode: a key file under the local data folder, created with 0600 permissions on first use. */
function fileKeySource(path: string): KeySource {
  let loaded: Promise<DataKey> | undefined;
  const load = () =>
    (loaded ??= (async () => {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        text = randomBytes(32).toString('base64');
        await mkdir(dirname(path), { recursive: true });
        try {
          await writeFile(path, text + '\n', { mode: 0o600, flag: 'wx' });
        } catch (writeErr) {
          // Another process created it first: use theirs.
          if ((writeErr as NodeJS.ErrnoException).code !== 'EEXIST') throw writeErr;
          text = await readFile(path, 'utf8');
        }
      }
      const key = parseKey(text);
      return { id: `file:${createHash('sha256').update(key).digest('hex').slice(0, 12)}`, key };
    })());
  return {
    current: load,
    async byId(id) {
      const key = await load();
      if (key.id !== id) throw new Error('The token was encrypted with a key this installation does not have.');
      return key;
    },
  };
}

/**
 * Azure: the key is a Key Vault secret read with the app's managed identity (Key Vault Secrets User).
 * The secret's version is the key id; rotating means adding a new version, old versions stay readable.
 */
function keyVaultKeySource(settings: Settings): KeySource {
  const vault = settings.CONNECTOR_KEY_VAULT_URL!.replace(/\/$/, '');
  const name = settings.CONNECTOR_KEY_SECRET_NAME;
  const cache = new Map<string, Promise<DataKey>>();
  let current: { at: number; key: Promise<DataKey> } | undefined;

  const fetchSecret = async (version: string): Promise<DataKey> => {
    const { ManagedIdentityCredential, DefaultAzureCredential } = await import('@azure/identity');
    const credential = settings.AZURE_CLIENT_ID
      ? new ManagedIdentityCredential({ clientId: settings.AZURE_CLIENT_ID })
      : new DefaultAzureCredential();
    const token = await credential.getToken('https://vault.azure.net/.default');
    const url = `${vault}/secrets/${encodeURIComponent(name)}${version ? `/${encodeURIComponent(version)}` : ''}?api-version=7.4`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${token.token}` } });
    if (!response.ok) throw new Error(`Key Vault answered ${response.status} for the connector token key`);
    const body = (await response.json()) as { value: string; id: string };
    const id = body.id.split('/').pop()!;
    return { id: `kv:${id}`, key: parseKey(body.value) };
  };

  return {
    current() {
      // Re-read the current version every 10 minutes so a rotation takes effect without a restart.
      if (!current || Date.now() - current.at > 600_000) {
        const key = fetchSecret('');
        key.catch(() => (current = undefined));
        current = { at: Date.now(), key };
      }
      return current.key;
    },
    byId(id) {
      let hit = cache.get(id);
      if (!hit) {
        hit = fetchSecret(id.replace(/^kv:/, ''));
        hit.catch(() => cache.delete(id));
        cache.set(id, hit);
      }
      return hit;
    },
  };
}

export function createKeySource(settings: Settings): KeySource {
  if (settings.CONNECTOR_KEY_VAULT_URL) return keyVaultKeySource(settings);
  if (settings.APP_ENV === 'azure')
    throw new Error('Set CONNECTOR_KEY_VAULT_URL: tokens are never encrypted with a key file in Azure.');
  return fileKeySource(settings.CONNECTOR_KEY_FILE);
}
