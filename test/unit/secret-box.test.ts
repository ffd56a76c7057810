import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { SecretBox, SecretBoxError } from '../../src/security/secret-box.js';

const box = new SecretBox(randomBytes(32));
const COOKIES = 'mc-session=abc123; mc-sid=def456';

function flip(sealed: string, partIndex: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[partIndex]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[partIndex] = bytes.toString('base64url');
  return parts.join('.');
}

function reasonOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretBoxError);
    return (error as SecretBoxError).reason;
  }
  throw new Error('expected a SecretBoxError');
}

describe('SecretBox (AES-256-GCM)', () => {
  it('round-trips text and JSON, including Cyrillic', () => {
    const sealed = box.seal(COOKIES, 'store:1:session');
    expect(sealed).not.toContain('abc123');
    expect(box.open(sealed, 'store:1:session')).toBe(COOKIES);
    const jar = { 'mc-session': 'x', note: 'Магазин «Алма»' };
    expect(box.openJson(box.sealJson(jar, 'a'), 'a')).toEqual(jar);
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal(COOKIES, 'a')).not.toBe(box.seal(COOKIES, 'a'));
  });

  it('detects a changed ciphertext, tag or IV', () => {
    const sealed = box.seal(COOKIES, 'store:1:session');
    expect(reasonOf(() => box.open(flip(sealed, 4), 'store:1:session'))).toBe('tampered');
    expect(reasonOf(() => box.open(flip(sealed, 3), 'store:1:session'))).toBe('tampered');
    expect(reasonOf(() => box.open(flip(sealed, 2), 'store:1:session'))).toBe('tampered');
  });

  it('refuses a value moved to another owner (associated data)', () => {
    const sealed = box.seal(COOKIES, 'store:1:session');
    expect(reasonOf(() => box.open(sealed, 'store:2:session'))).toBe('tampered');
  });

  it('tells a value sealed under another key apart from tampering', () => {
    const other = new SecretBox(randomBytes(32));
    expect(reasonOf(() => box.open(other.seal(COOKIES, 'a'), 'a'))).toBe('wrong-key');
  });

  it('rejects malformed input', () => {
    expect(reasonOf(() => box.open('plain text', 'a'))).toBe('malformed');
    expect(reasonOf(() => box.open('v2.a.b.c.d', 'a'))).toBe('malformed');
    const sealed = box.seal(COOKIES, 'a').split('.');
    sealed[2] = 'AA';
    expect(reasonOf(() => box.open(sealed.join('.'), 'a'))).toBe('malformed');
  });

  it('insists on a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte/);
  });
});
