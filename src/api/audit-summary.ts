// What the audit trail keeps of a request: the decoded request as JSON, with every long text (a
// program document, an import's note) replaced by its size and SHA-256, long lists cut to their first
// items and a count, and the whole bounded — enough to say what was done, never a copy of a document.
// Pure.

import { createHash } from 'node:crypto';

const MAX_TEXT = 256;
const MAX_ITEMS = 20;
const MAX_JSON = 8 * 1024;

export function requestSummary(request: unknown): string {
  const json = JSON.stringify(summarized(request, 0)) ?? 'null';
  return json.length <= MAX_JSON
    ? json
    : JSON.stringify({ truncated: true, bytes: json.length, sha256: sha256(json), head: json.slice(0, 1024) });
}

/** Why the action was taken, as the request says it: its reason, or its note. */
export function reasonOf(request: unknown): string {
  const r = request as { reason?: unknown; note?: unknown } | null | undefined;
  const reason = typeof r?.reason === 'string' && r.reason !== '' ? r.reason : typeof r?.note === 'string' ? r.note : '';
  return reason.length <= MAX_TEXT ? reason : `${reason.slice(0, MAX_TEXT)}…`;
}

function summarized(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length <= MAX_TEXT ? value : { bytes: Buffer.byteLength(value), sha256: sha256(value) };
  if (Buffer.isBuffer(value)) return { bytes: value.length, sha256: sha256(value) };
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 8) return '…';
  if (Array.isArray(value)) {
    const head = value.slice(0, MAX_ITEMS).map((item) => summarized(item, depth + 1));
    return value.length <= MAX_ITEMS ? head : [...head, `… ${value.length - MAX_ITEMS} more (${value.length} in all)`];
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[key] = summarized(field, depth + 1);
  return out;
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
