// AdminService calls for API keys and the audit trail. A tenant's admin manages its own tenant's keys
// (the gate has already checked that the tenant_id named is the caller's); a platform admin may name
// any tenant, or none for platform keys. The rules themselves are auth/key-admin.ts, shared with
// `npm run keys`.

import { reject } from '../actor/rejections.js';
import { type ApiKey, ROLES, type Role } from '../auth/api-key.js';
import { KeyAdminError, createKey, keyState, revokeKey, rotateKey } from '../auth/key-admin.js';
import type { KeyStore } from '../auth/key-store.js';
import { type AuditRecord, type AuditTrail, MAX_AUDIT_WINDOW_DAYS } from '../auth/audit-trail.js';
import type { AdminServiceHandlers } from '../contract/generated/jifen/v1/AdminService.js';
import type { ApiKeyInfo } from '../contract/generated/jifen/v1/ApiKeyInfo.js';
import type { AuditRecord as AuditRecordMsg } from '../contract/generated/jifen/v1/AuditRecord.js';
import type { Timestamp__Output } from '../contract/generated/google/protobuf/Timestamp.js';
import type { EngineMetrics } from '../metrics/registry.js';
import { decodeTenant } from './decode.js';
import { RejectionError } from './status.js';
import { unary } from './unary-call.js';
import { timestampOf } from './wire.js';

export interface KeyAdminDeps {
  keyStore: KeyStore;
  auditTrail: AuditTrail;
  metrics: EngineMetrics;
  clock: () => number;
}

const DAY_MS = 86_400_000;
const DEFAULT_OVERLAP_MS = DAY_MS;
const MAX_SECONDS = 10 * 365 * 86_400;

export function keyAdminHandlers(deps: KeyAdminDeps) {
  const { keyStore: store, clock } = deps;
  return {
    CreateApiKey: unary(deps, 'CreateApiKey', async (req) => {
      const tenantId = keyTenant(req.tenant_id);
      const role = decodeRole(req.role);
      const name = String(req.name ?? '');
      if (name.length > 200) throw invalid('name', 'must be at most 200 characters');
      const expiresIn = seconds(req.expires_in_seconds, 'expires_in_seconds');
      const now = clock();
      const minted = await createKey(store, { tenantId, role, name, expiresAt: expiresIn === 0 ? null : now + expiresIn * 1000 }, now);
      return { key: infoOf(minted.key, now, null), secret: minted.secret };
    }),
    ListApiKeys: unary(deps, 'ListApiKeys', async (req) => {
      const tenantId = keyTenant(req.tenant_id);
      const now = clock();
      const keys = (await store.all()).filter((key) => key.tenantId === tenantId).sort((a, b) => a.createdAt - b.createdAt);
      return { keys: await Promise.all(keys.map(async (key) => infoOf(key, now, await store.lastUse(key.id)))) };
    }),
    RevokeApiKey: unary(deps, 'RevokeApiKey', async (req) => {
      const tenantId = keyTenant(req.tenant_id);
      const now = clock();
      const key = await keyCall(() => revokeKey(store, String(req.key_id ?? ''), now, tenantId));
      return { key: infoOf(key, now, await store.lastUse(key.id)) };
    }),
    RotateApiKey: unary(deps, 'RotateApiKey', async (req) => {
      const tenantId = keyTenant(req.tenant_id);
      const overlap = seconds(req.overlap_seconds, 'overlap_seconds');
      const now = clock();
      const { minted, replaced } = await keyCall(() =>
        rotateKey(store, String(req.key_id ?? ''), overlap === 0 ? DEFAULT_OVERLAP_MS : overlap * 1000, now, tenantId),
      );
      return {
        key: infoOf(minted.key, now, null),
        secret: minted.secret,
        replaced: infoOf(replaced, now, await store.lastUse(replaced.id)),
      };
    }),
    ListAuditRecords: unary(deps, 'ListAuditRecords', async (req) => {
      const tenantId = req.tenant_id === '' ? '' : decodeTenant(req.tenant_id);
      const until = req.until ? msOf(req.until, 'until') : clock();
      const since = req.since ? msOf(req.since, 'since') : until - 7 * DAY_MS;
      if (since >= until) throw invalid('since', 'must be before until');
      if (until - since > MAX_AUDIT_WINDOW_DAYS * DAY_MS)
        throw invalid('since', `must be at most ${MAX_AUDIT_WINDOW_DAYS} days before until`);
      const pageSize = req.page_size === 0 ? 100 : req.page_size;
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw invalid('page_size', 'must be between 1 and 1000');
      const after = req.page_token === '' ? undefined : req.page_token;
      if (after !== undefined && !/^\d{4}-\d{2}-\d{2}\/\d{15}-[0-9a-f]{12}$/.test(after))
        throw invalid('page_token', 'is not a token of this call');
      const { records, next } = await deps.auditTrail.list({ tenantId, since, until, limit: pageSize, after });
      return { records: records.map(recordMsg), next_page_token: next ?? '' };
    }),
  } satisfies Partial<AdminServiceHandlers>;
}

/** '' names the platform's keys (only a platform key gets past the gate with it). */
function keyTenant(tenantId: string): string | null {
  return tenantId === '' ? null : decodeTenant(tenantId);
}

function decodeRole(role: string): Role {
  if (!ROLES.includes(role as Role)) throw invalid('role', `must be one of ${ROLES.join(', ')}`);
  return role as Role;
}

function seconds(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_SECONDS) throw invalid(field, `must be between 0 and ${MAX_SECONDS}`);
  return value;
}

function msOf(t: Timestamp__Output, field: string): number {
  const ms = Number(t.seconds) * 1000 + Math.floor(t.nanos / 1_000_000);
  if (!Number.isFinite(ms) || ms < 0) throw invalid(field, 'is not a valid time');
  return ms;
}

function invalid(field: string, problem: string): RejectionError {
  return new RejectionError(reject.invalidField(field, problem));
}

async function keyCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof KeyAdminError)
      throw new RejectionError(err.kind === 'not_found' ? reject.apiKeyNotFound(err.message) : reject.apiKeyRevoked(err.message));
    throw err;
  }
}

function infoOf(key: ApiKey, now: number, lastUsedAt: number | null): ApiKeyInfo {
  return {
    key_id: key.id,
    tenant_id: key.tenantId ?? '',
    role: key.role,
    name: key.name,
    state: keyState(key, now),
    created_at: timestampOf(key.createdAt),
    expires_at: key.expiresAt === null ? null : timestampOf(key.expiresAt),
    revoked_at: key.revokedAt === null ? null : timestampOf(key.revokedAt),
    last_used_at: lastUsedAt === null ? null : timestampOf(lastUsedAt),
    rotated_to: key.rotatedTo ?? '',
  };
}

function recordMsg(r: AuditRecord): AuditRecordMsg {
  return {
    record_id: r.id,
    at: timestampOf(r.at),
    key_id: r.keyId,
    role: r.role,
    tenant_id: r.tenantId,
    method: r.method,
    request_json: r.requestJson,
    reason: r.reason,
    outcome: r.outcome,
    outcome_message: r.outcomeMessage,
    peer: r.peer,
  };
}
