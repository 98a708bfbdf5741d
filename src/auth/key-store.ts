// API keys kept in SharedFiles beside the ledger (files in the data directory, or Cassandra's
// shared_files table), so every engine on one ledger knows the same keys: `keys/<id>.json` per key,
// written only by `npm run keys`, and `key-use/<id>.json` with its last use, written only by engines.
// The two never share a file, so an engine noting a use can never overwrite a revocation.

import type { SharedFiles } from '../ledger/shared-files.js';
import { type ApiKey, ROLES, type Role, isKeyId } from './api-key.js';

const KEYS_DIR = 'keys';
const USE_DIR = 'key-use';

export class KeyStore {
  constructor(private readonly files: SharedFiles) {}

  /** The key of id, or undefined when none is stored (or id is not of a key's form). */
  async get(id: string): Promise<ApiKey | undefined> {
    if (!isKeyId(id)) return undefined;
    const text = await this.files.read(`${KEYS_DIR}/${id}.json`);
    return text === undefined ? undefined : keyOfDocument(text, id);
  }

  /** Every stored key; a document that does not parse is left out and reported through onBadDocument. */
  async all(onBadDocument: (id: string, why: string) => void = () => undefined): Promise<ApiKey[]> {
    const ids = (await this.files.list(KEYS_DIR)).filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length));
    const keys: ApiKey[] = [];
    for (const id of ids) {
      try {
        const key = await this.get(id);
        if (key) keys.push(key);
      } catch (err) {
        onBadDocument(id, err instanceof Error ? err.message : String(err));
      }
    }
    return keys;
  }

  put(key: ApiKey): Promise<void> {
    return this.files.write(`${KEYS_DIR}/${key.id}.json`, `${JSON.stringify(documentOf(key), null, 2)}\n`);
  }

  noteUse(id: string, at: number): Promise<void> {
    return this.files.write(`${USE_DIR}/${id}.json`, JSON.stringify({ last_used_at: new Date(at).toISOString() }));
  }

  /** Epoch ms of the key's last noted use, or null when none was noted. */
  async lastUse(id: string): Promise<number | null> {
    const text = await this.files.read(`${USE_DIR}/${id}.json`);
    if (text === undefined) return null;
    const at = Date.parse((JSON.parse(text) as { last_used_at?: string }).last_used_at ?? '');
    return Number.isFinite(at) ? at : null;
  }
}

/** The stored form: snake_case, times as ISO text, so an operator can read it. */
interface KeyDocument {
  id: string;
  tenant_id: string | null;
  role: Role;
  name: string;
  secret_sha256: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  rotated_to: string | null;
}

function documentOf(key: ApiKey): KeyDocument {
  return {
    id: key.id,
    tenant_id: key.tenantId,
    role: key.role,
    name: key.name,
    secret_sha256: key.secretSha256,
    created_at: iso(key.createdAt),
    expires_at: key.expiresAt === null ? null : iso(key.expiresAt),
    revoked_at: key.revokedAt === null ? null : iso(key.revokedAt),
    rotated_to: key.rotatedTo,
  };
}

function keyOfDocument(text: string, id: string): ApiKey {
  const d = JSON.parse(text) as Partial<KeyDocument>;
  if (d.id !== id) throw new Error(`keys/${id}.json names id ${String(d.id)}`);
  if (!ROLES.includes(d.role as Role)) throw new Error(`keys/${id}.json: unknown role ${String(d.role)}`);
  if (typeof d.secret_sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(d.secret_sha256)) throw new Error(`keys/${id}.json: bad secret_sha256`);
  return {
    id,
    tenantId: typeof d.tenant_id === 'string' ? d.tenant_id : null,
    role: d.role as Role,
    name: typeof d.name === 'string' ? d.name : '',
    secretSha256: d.secret_sha256,
    createdAt: time(d.created_at) ?? 0,
    expiresAt: time(d.expires_at),
    revokedAt: time(d.revoked_at),
    rotatedTo: typeof d.rotated_to === 'string' ? d.rotated_to : null,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function time(text: string | null | undefined): number | null {
  if (typeof text !== 'string') return null;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new Error(`not a time: ${text}`);
  return ms;
}
