// The audit trail of admin and operator actions: who (key id and role), when, what (method and a
// summary of the request), why (its reason) and the answer. Kept where the keys are, beside the ledger
// (files in the data directory, rows of Cassandra's shared_files table), one document per action under
// `audit/<tenant>/<yyyy-mm-dd>/<ms>-<random>.json` (platform-level actions under `audit/_platform/`):
// a tenant's day is one folder (one partition in Cassandra), its names sort by time, nothing is ever
// rewritten. Written before the action's answer leaves, so an acknowledged action has its record.

import { randomBytes } from 'node:crypto';
import type { SharedFiles } from '../ledger/shared-files.js';
import { TENANT_ID } from './caller.js';

export interface AuditRecord {
  /** `<yyyy-mm-dd>/<ms>-<random>`: also the page token after it. */
  id: string;
  at: number;
  keyId: string;
  role: string;
  /** '' for a platform-level action. */
  tenantId: string;
  method: string;
  requestJson: string;
  reason: string;
  outcome: string;
  outcomeMessage: string;
  peer: string;
}

export interface AuditQuery {
  tenantId: string;
  since: number;
  until: number;
  limit: number;
  /** The id of the last record of the previous page. */
  after?: string;
}

const ROOT = 'audit';
const PLATFORM_DIR = '_platform';
const DAY_MS = 86_400_000;
/** A window longer than this is refused: each day is one listing. */
export const MAX_AUDIT_WINDOW_DAYS = 366;

export class AuditTrail {
  constructor(private readonly files: SharedFiles) {}

  /** Stores one record; resolves once it is durable. */
  async record(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    const name = `${String(entry.at).padStart(15, '0')}-${randomBytes(6).toString('hex')}`;
    const record: AuditRecord = { ...entry, id: `${dayOf(entry.at)}/${name}` };
    await this.files.write(`${tenantDir(entry.tenantId)}/${record.id}.json`, JSON.stringify(documentOf(record)));
    return record;
  }

  /** Records of the tenant in [since, until), oldest first, at most limit; next: the id to continue after. */
  async list(query: AuditQuery): Promise<{ records: AuditRecord[]; next: string | undefined }> {
    const records: AuditRecord[] = [];
    const firstDay = Math.floor(query.since / DAY_MS);
    const lastDay = Math.floor((query.until - 1) / DAY_MS);
    for (let day = firstDay; day <= lastDay; day++) {
      const dayName = dayOf(day * DAY_MS);
      if (query.after !== undefined && dayName < query.after.slice(0, 10)) continue;
      const names = (await this.files.list(`${tenantDir(query.tenantId)}/${dayName}`)).filter((n) => n.endsWith('.json')).sort();
      for (const name of names) {
        const id = `${dayName}/${name.slice(0, -'.json'.length)}`;
        if (query.after !== undefined && id <= query.after) continue;
        const at = Number(name.slice(0, 15));
        if (at < query.since || at >= query.until) continue;
        if (records.length === query.limit) return { records, next: records[records.length - 1].id };
        const text = await this.files.read(`${tenantDir(query.tenantId)}/${id}.json`);
        if (text !== undefined) records.push(recordOf(id, text));
      }
    }
    return { records, next: undefined };
  }
}

/** Refused calls naming no valid tenant (INVALID_ARGUMENT from the handler) are kept apart. */
const INVALID_TENANT_DIR = '_invalid';

function tenantDir(tenantId: string): string {
  if (tenantId === '') return `${ROOT}/${PLATFORM_DIR}`;
  return `${ROOT}/${TENANT_ID.test(tenantId) ? tenantId : INVALID_TENANT_DIR}`;
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The stored form: snake_case and an ISO time, so an auditor can read the files themselves. */
function documentOf(r: AuditRecord) {
  return {
    at: new Date(r.at).toISOString(),
    key_id: r.keyId,
    role: r.role,
    tenant_id: r.tenantId,
    method: r.method,
    request: r.requestJson,
    reason: r.reason,
    outcome: r.outcome,
    outcome_message: r.outcomeMessage,
    peer: r.peer,
  };
}

function recordOf(id: string, text: string): AuditRecord {
  const d = JSON.parse(text) as Record<string, string>;
  return {
    id,
    at: Date.parse(d.at),
    keyId: d.key_id,
    role: d.role,
    tenantId: d.tenant_id,
    method: d.method,
    requestJson: d.request,
    reason: d.reason,
    outcome: d.outcome,
    outcomeMessage: d.outcome_message,
    peer: d.peer,
  };
}
