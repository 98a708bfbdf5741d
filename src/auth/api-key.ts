// API keys: what a key is (one tenant or the platform, one role, expiry, revocation), the form of its
// secret (`jfk_<id>_<secret>`, so the id is read without a scan) and the one hash that is stored.
//
// The stored hash is SHA-256 of the whole key string. The secret is 256 random bits, so guessing it
// from the hash is as hard as guessing it outright whatever the hash's speed; a slow hash (scrypt)
// only helps low-entropy passwords, and here it would cost tens of milliseconds of CPU on every call.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const ROLES = ['integration', 'operator', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** A stored key: everything but its secret, of which only the hash is kept. */
export interface ApiKey {
  id: string;
  /** The tenant the key acts for; null for a platform key, which may name any tenant. */
  tenantId: string | null;
  role: Role;
  /** A label for people (`checkout-service prod`); never used to decide. */
  name: string;
  /** Hex SHA-256 of the whole key string. */
  secretSha256: string;
  createdAt: number;
  /** Epoch ms after which the key is refused; null: never. */
  expiresAt: number | null;
  /** Epoch ms of revocation; null: not revoked. */
  revokedAt: number | null;
  /** The key that replaced this one by rotation, if any. */
  rotatedTo: string | null;
}

/** A new key: its record to store, and its secret to show once. */
export interface MintedKey {
  key: ApiKey;
  secret: string;
}

export interface KeyTerms {
  tenantId: string | null;
  role: Role;
  name: string;
  expiresAt: number | null;
}

/** Why a presented key does not authenticate. */
export type AuthenticationFailure = 'missing' | 'malformed' | 'unknown' | 'revoked' | 'expired';

const PREFIX = 'jfk_';
const ID = /^[a-z0-9]{16}$/;
// The secret is base64url of 32 bytes: 43 characters.
const TOKEN = /^jfk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function mintKey(terms: KeyTerms, now: number): MintedKey {
  const id = newKeyId();
  const secret = `${PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  const key: ApiKey = { id, ...terms, secretSha256: hashOf(secret), createdAt: now, revokedAt: null, rotatedTo: null };
  return { key, secret };
}

/** The key id inside a presented key string, or undefined when it is not of the key's form. */
export function keyIdOf(presented: string): string | undefined {
  return TOKEN.exec(presented)?.[1];
}

export function isKeyId(id: string): boolean {
  return ID.test(id);
}

/** Whether presented is the secret of key (constant time in the secret). */
export function secretMatches(key: ApiKey, presented: string): boolean {
  const expected = Buffer.from(key.secretSha256, 'hex');
  const actual = Buffer.from(hashOf(presented), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Why a key that matched its secret may still not be used at now; undefined when it may. */
export function unusableBecause(key: ApiKey, now: number): 'revoked' | 'expired' | undefined {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && now >= key.expiresAt) return 'expired';
  return undefined;
}

/** The bearer token of an `authorization` metadata value, or why there is none. */
export function bearerTokenOf(header: string | undefined): string | 'missing' | 'malformed' {
  if (header === undefined || header === '') return 'missing';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return 'malformed';
  return match[1];
}

function hashOf(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function newKeyId(): string {
  // 16 of 36 characters from rejection-free bytes: 256 % 36 ≠ 0, so bytes ≥ 252 are skipped.
  let id = '';
  while (id.length < 16) {
    for (const byte of randomBytes(24)) {
      if (byte < 252 && id.length < 16) id += ID_ALPHABET[byte % 36];
    }
  }
  return id;
}
