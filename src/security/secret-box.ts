import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for Kaspi cookies, passwords and tokens at rest.
 *
 * Sealed format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id is a short hash of the
 * key, so a value sealed under another key is reported as such instead of as "tampered". The caller passes
 * an `aad` naming the owner (e.g. `store:42:session`): a sealed value copied into another row fails to open.
 */

export class SecretBoxError extends Error {
  constructor(
    readonly reason: 'malformed' | 'wrong-key' | 'tampered',
    message: string,
  ) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const VERSION = 'v1';
const IV_BYTES = 12;

export class SecretBox {
  private readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    this.keyId = createHash('sha256').update(key).digest('base64url').slice(0, 8);
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      this.keyId,
      iv.toString('base64url'),
      tag.toString('base64url'),
      ciphertext.toString('base64url'),
    ].join('.');
  }

  open(sealed: string, aad: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION)
      throw new SecretBoxError('malformed', 'sealed value has an unknown format');
    const [, keyId, ivText, tagText, ciphertextText] = parts as [string, string, string, string, string];
    if (keyId !== this.keyId)
      throw new SecretBoxError('wrong-key', 'sealed value was encrypted with another SECRET_KEY');
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== 16)
      throw new SecretBoxError('malformed', 'sealed value has a damaged header');
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretBoxError(
        'tampered',
        'sealed value failed authentication (changed, moved to another row, or corrupt)',
      );
    }
  }

  sealJson(value: unknown, aad: string): string {
    return this.seal(JSON.stringify(value), aad);
  }

  openJson<T>(sealed: string, aad: string): T {
    return JSON.parse(this.open(sealed, aad)) as T;
  }
}
