// The pure parts of the call gate: token buckets, stream quotas, the identity a client certificate
// stands for, and what the audit trail keeps of a request.

import { describe, expect, it } from 'vitest';
import { reasonOf, requestSummary } from '../../src/api/audit-summary.js';
import { callerOfCertificate } from '../../src/auth/caller.js';
import { RateLimiter } from '../../src/auth/rate-limiter.js';
import { StreamQuota } from '../../src/auth/stream-quota.js';

describe('rate limiter (token bucket per caller)', () => {
  const limits = { integration: { perSecond: 10, burst: 20 } };

  it('lets a burst through, then refuses with the time until the tokens are back', () => {
    let now = 0;
    const limiter = new RateLimiter(limits, () => now);
    for (let i = 0; i < 20; i++) expect(limiter.take('k1', 'integration', 1).ok).toBe(true);
    const refused = limiter.take('k1', 'integration', 1);
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 100 });
    now = 100; // one token back at 10/s
    expect(limiter.take('k1', 'integration', 1).ok).toBe(true);
    expect(limiter.take('k1', 'integration', 1).ok).toBe(false);
  });

  it.each<[string, string, 'integration' | 'operator' | null, number, boolean]>([
    ['keys have buckets of their own', 'k2', 'integration', 20, true],
    ['a role without a limit is never refused', 'k3', 'operator', 1_000_000, true],
    ['the anonymous caller (authentication off) is never refused', 'anonymous', null, 1_000_000, true],
    ['a batch larger than the burst never passes', 'k4', 'integration', 21, false],
  ])('%s', (_, id, role, cost, ok) => {
    const limiter = new RateLimiter(limits, () => 0);
    limiter.take('k1', 'integration', 20);
    expect(limiter.take(id, role, cost).ok).toBe(ok);
  });

  it('refills at the rate and never above the burst', () => {
    let now = 0;
    const limiter = new RateLimiter(limits, () => now);
    limiter.take('k', 'integration', 20);
    now = 60_000;
    expect(limiter.take('k', 'integration', 20).ok).toBe(true);
    expect(limiter.take('k', 'integration', 1).ok).toBe(false);
  });
});

describe('stream quota', () => {
  it('refuses past the per-caller and the total limits and frees on release', () => {
    const quota = new StreamQuota(2, 3);
    expect(quota.acquire('a')).toBeUndefined();
    expect(quota.acquire('a')).toBeUndefined();
    expect(quota.acquire('a')).toEqual({ kind: 'per_caller', limit: 2 });
    expect(quota.acquire('b')).toBeUndefined();
    expect(quota.acquire('c')).toEqual({ kind: 'total', limit: 3 });
    quota.release('a');
    expect(quota.openStreams).toBe(2);
    expect(quota.acquire('c')).toBeUndefined();
    quota.release('nobody');
    expect(quota.openStreams).toBe(3);
  });

  it('counts only the total for a caller without a limit of its own (everyone, with authentication off)', () => {
    const quota = new StreamQuota(1, 3);
    expect([quota.acquire('anonymous', false), quota.acquire('anonymous', false), quota.acquire('anonymous', false)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(quota.acquire('anonymous', false)).toEqual({ kind: 'total', limit: 3 });
  });
});

describe('caller of a client certificate', () => {
  const raw = Buffer.from('der');
  it.each<[string, string | undefined, { tenantId: string | null; role: string } | undefined]>([
    ['a tenant identity', 'URI:spiffe://corp.example/jifen/tenant/acme/role/integration', { tenantId: 'acme', role: 'integration' }],
    [
      'a platform identity among other names',
      'DNS:checkout.local, URI:spiffe://corp/jifen/platform/role/auditor',
      { tenantId: null, role: 'auditor' },
    ],
    ['an unknown role', 'URI:spiffe://corp/jifen/tenant/acme/role/root', undefined],
    ['a tenant id that is not one', 'URI:spiffe://corp/jifen/tenant/%2Fetc/role/admin', undefined],
    ['no jifen identity', 'DNS:checkout.local', undefined],
    ['no names at all', undefined, undefined],
  ])('%s', (_, san, expected) => {
    const caller = callerOfCertificate(san, raw);
    if (expected === undefined) expect(caller).toBeUndefined();
    else expect(caller).toMatchObject({ ...expected, id: expect.stringMatching(/^cert:[0-9a-f]{16}$/) });
  });
});

describe('audit summary of a request', () => {
  it('keeps short fields, replaces a document by its size and hash, cuts long lists', () => {
    const document = 'x'.repeat(10_000);
    const summary = JSON.parse(requestSummary({ tenant_id: 'acme', document, lots: Array.from({ length: 25 }, (_, i) => ({ row: i })) }));
    expect(summary.tenant_id).toBe('acme');
    expect(summary.document).toEqual({ bytes: 10_000, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(summary.lots).toHaveLength(21);
    expect(summary.lots[20]).toBe('… 5 more (25 in all)');
  });

  it('stays bounded whatever the request', () => {
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`field${i}`, 'y'.repeat(200)]));
    expect(requestSummary(wide).length).toBeLessThan(2_000);
  });

  it.each([
    [{ reason: 'goodwill for late delivery' }, 'goodwill for late delivery'],
    [{ note: 'fulfilled' }, 'fulfilled'],
    [{}, ''],
  ])('reason of %j', (request, reason) => {
    expect(reasonOf(request)).toBe(reason);
  });
});
