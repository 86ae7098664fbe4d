import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeySource } from './key-source';

/** A ciphertext as stored: AES-256-GCM with the key id for rotation. */
export interface Sealed {
  keyId: string;
  iv: string;
  tag: string;
  data: string;
}

/**
 * Encrypts OAuth tokens at rest (AES-256-GCM, random 96-bit IV). `context` (tenant and connector ids) is bound as
 * additional data, so a ciphertext copied to another connector does not decrypt.
 */
export interface TokenCipher {
  /** Encrypts `plaintext` with the current key, bound to `context`. */
  seal(plaintext: string, context: string): Promise<Sealed>;
  /** Decrypts with the key that sealed it; throws when the key is gone or `context` differs. */
  open(sealed: Sealed, context: string): Promise<string>;
  /** HMAC-SHA256 with a key derived from the current data key (signs OAuth `state`). */
  sign(value: string): Promise<string>;
  /** Whether `signature` is `sign(value)`, compared in constant time. */
  verify(value: string, signature: string): Promise<boolean>;
}

/** A token cipher over the data keys of `keys`. */
export function createTokenCipher(keys: KeySource): TokenCipher {
  async function sign(value: string): Promise<string> {
    const { key } = await keys.current();
    const macKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'oauth-state', 32));
    return createHmac('sha256', macKey).update(value).digest('base64url');
  }

  return {
    async seal(plaintext, context) {
      const { id, key } = await keys.current();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return {
        keyId: id,
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
        data: data.toString('base64'),
      };
    },

    async open(sealed, context) {
      const { key } = await keys.byId(sealed.keyId);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
    },

    sign,

    async verify(value, signature) {
      const expected = Buffer.from(await sign(value));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}
