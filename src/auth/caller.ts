// Who makes a call, once authenticated: an API key, a client certificate standing for a tenant and role
// (mTLS), or nobody in particular when authentication is off. What access.ts decides on, what the audit
// trail records and what rate limits count by.

import { createHash } from 'node:crypto';
import { ROLES, type Role } from './api-key.js';

export interface Caller {
  /** The key id, `cert:<fingerprint>` for a client certificate, `anonymous` with authentication off. */
  id: string;
  /** The tenant it acts for; null: the platform (any tenant). */
  tenantId: string | null;
  /** Null only for the anonymous caller of an engine without authentication. */
  role: Role | null;
}

export const ANONYMOUS: Caller = Object.freeze({ id: 'anonymous', tenantId: null, role: null });

/** A tenant id as the API accepts it (api/decode.ts): also a single path segment, so it can name a folder. */
export const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$/;

/**
 * The caller a verified client certificate stands for: a URI subject alternative name
 * `spiffe://<trust domain>/jifen/tenant/<tenant>/role/<role>` (or `…/jifen/platform/role/<role>`).
 * subjectAltName is Node's text form (`URI:spiffe://…, DNS:…`); raw is the DER, for the id.
 * Undefined when the certificate names no such identity (then it only secures the connection).
 */
export function callerOfCertificate(subjectAltName: string | undefined, raw: Buffer): Caller | undefined {
  if (!subjectAltName) return undefined;
  for (const entry of subjectAltName.split(/,\s*/)) {
    const m = /^URI:spiffe:\/\/[^/\s]+\/jifen\/(?:tenant\/([^/\s]+)|(platform))\/role\/([a-z]+)$/.exec(entry.trim());
    if (!m) continue;
    const role = m[3] as Role;
    if (!ROLES.includes(role)) continue;
    const tenantId = m[2] === 'platform' ? null : decodeURIComponent(m[1]);
    if (tenantId !== null && !TENANT_ID.test(tenantId)) continue;
    return { id: `cert:${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`, tenantId, role };
  }
  return undefined;
}
