// What can be done to API keys — create, revoke, rotate — the same for `npm run keys` and the
// AdminService key calls: one set of rules for both (a revoked key cannot be rotated, the new key of a
// rotation is stored before the old one gets its expiry, a revocation is kept as it was).

import { type ApiKey, type KeyTerms, type MintedKey, mintKey } from './api-key.js';
import type { KeyStore } from './key-store.js';

export type KeyState = 'active' | 'revoked' | 'expired';

export class KeyAdminError extends Error {
  override name = 'KeyAdminError';
  constructor(
    readonly kind: 'not_found' | 'revoked',
    message: string,
  ) {
    super(message);
  }
}

export function keyState(key: ApiKey, now: number): KeyState {
  if (key.revokedAt !== null) return 'revoked';
  return key.expiresAt !== null && now >= key.expiresAt ? 'expired' : 'active';
}

export async function createKey(store: KeyStore, terms: KeyTerms, now: number): Promise<MintedKey> {
  const minted = mintKey(terms, now);
  await store.put(minted.key);
  return minted;
}

/** The key, revoked (a key already revoked keeps its first revocation time). */
export async function revokeKey(store: KeyStore, id: string, now: number, tenantId?: string | null): Promise<ApiKey> {
  const key = await existingKey(store, id, tenantId);
  if (key.revokedAt !== null) return key;
  const revoked = { ...key, revokedAt: now };
  await store.put(revoked);
  return revoked;
}

/** A new key with the old one's tenant, role and name; the old one expires when the overlap ends (or sooner, if it already did). */
export async function rotateKey(
  store: KeyStore,
  id: string,
  overlapMs: number,
  now: number,
  tenantId?: string | null,
): Promise<{ minted: MintedKey; replaced: ApiKey }> {
  const old = await existingKey(store, id, tenantId);
  if (old.revokedAt !== null) throw new KeyAdminError('revoked', `key ${id} is revoked: create a new one instead`);
  const overlapEnds = now + overlapMs;
  const minted = mintKey({ tenantId: old.tenantId, role: old.role, name: old.name, expiresAt: null }, now);
  // The new key is stored first: if the second write fails, the old key still works as before.
  await store.put(minted.key);
  const replaced = { ...old, expiresAt: Math.min(old.expiresAt ?? overlapEnds, overlapEnds), rotatedTo: minted.key.id };
  await store.put(replaced);
  return { minted, replaced };
}

/**
 * The stored key of id; with tenantId given (undefined: any), only a key of that tenant (null: a
 * platform key) — a key of another tenant is as absent as one that does not exist.
 */
export async function existingKey(store: KeyStore, id: string, tenantId?: string | null): Promise<ApiKey> {
  const key = await store.get(id);
  if (!key || (tenantId !== undefined && key.tenantId !== tenantId)) throw new KeyAdminError('not_found', `no key ${id}`);
  return key;
}
