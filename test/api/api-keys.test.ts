// API keys: the secret's form, the stored hash, what makes a key unusable, the key store's documents,
// the engine's key book (lookup on demand, reload), the keys CLI's durations, and the auth settings.

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ApiKey, bearerTokenOf, keyIdOf, mintKey, secretMatches, unusableBecause } from '../../src/auth/api-key.js';
import { KeyBook } from '../../src/auth/key-book.js';
import { KeyStore } from '../../src/auth/key-store.js';
import { parseDuration, runKeys } from '../../src/cli/keys.js';
import { ConfigError, isLoopback, loadConfig, parseRateLimits } from '../../src/config/config.js';
import { DataDirFiles } from '../../src/ledger/embedded/data-dir-files.js';
import type { SharedFiles } from '../../src/ledger/shared-files.js';

const NOW = Date.parse('2026-12-06T10:00:00Z');
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempFiles(): DataDirFiles {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-keys-'));
  dirs.push(dir);
  return new DataDirFiles(dir);
}

/** SharedFiles that counts reads, to see what the key book asks of the store. */
function countingFiles(inner: SharedFiles): SharedFiles & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read: (path) => {
      reads.push(path);
      return inner.read(path);
    },
    write: (path, text) => inner.write(path, text),
    create: (path, text) => inner.create(path, text),
    list: (dir) => inner.list(dir),
    close: () => inner.close(),
  };
}

describe('key strings and hashes', () => {
  const { key, secret } = mintKey({ tenantId: 'acme', role: 'integration', name: 'checkout', expiresAt: null }, NOW);

  it('a key string is jfk_<16-character id>_<43 characters of base64url: 256 random bits>, and names its id', () => {
    expect(secret).toMatch(/^jfk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    expect(keyIdOf(secret)).toBe(key.id);
  });

  it('stores only the SHA-256 of the key string, never the secret', () => {
    expect(key.secretSha256).toBe(createHash('sha256').update(secret).digest('hex'));
    // The random part is the last 43 characters; base64url may itself hold '_', so it is not found by the last '_'.
    expect(JSON.stringify(key)).not.toContain(secret.slice(-43));
  });

  it('matches its own secret and no other', () => {
    const other = mintKey({ tenantId: 'acme', role: 'integration', name: '', expiresAt: null }, NOW);
    expect(secretMatches(key, secret)).toBe(true);
    expect(secretMatches(key, other.secret)).toBe(false);
    expect(secretMatches(key, `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
  });

  it('mints a different id and secret every time', () => {
    const many = Array.from({ length: 200 }, () => mintKey({ tenantId: null, role: 'admin', name: '', expiresAt: null }, NOW));
    expect(new Set(many.map((m) => m.key.id)).size).toBe(200);
    expect(new Set(many.map((m) => m.secret)).size).toBe(200);
  });

  it.each([
    ['', undefined],
    ['jfk_', undefined],
    ['jfk_abc_def', undefined],
    [`jfk_${'a'.repeat(16)}_${'b'.repeat(42)}`, undefined],
    [`jfk_${'A'.repeat(16)}_${'b'.repeat(43)}`, undefined],
    [`jfk_${'a'.repeat(16)}/../x_${'b'.repeat(43)}`, undefined],
    [`xfk_${'a'.repeat(16)}_${'b'.repeat(43)}`, undefined],
    [`jfk_${'a'.repeat(16)}_${'b'.repeat(43)}`, 'a'.repeat(16)],
    [`jfk_${'a1'.repeat(8)}_${'_-'.repeat(21)}x`, 'a1'.repeat(8)],
  ])('keyIdOf(%j) is %j', (presented, id) => {
    expect(keyIdOf(presented)).toBe(id);
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['Basic abc', 'malformed'],
    ['Bearer', 'malformed'],
    ['Bearer a b', 'malformed'],
    ['Bearer jfk_x', 'jfk_x'],
    ['bearer   jfk_x ', 'jfk_x'],
  ])('authorization %j gives %j', (header, expected) => {
    expect(bearerTokenOf(header)).toBe(expected);
  });

  it.each([
    ['active, no expiry', { expiresAt: null, revokedAt: null }, undefined],
    ['before its expiry', { expiresAt: NOW + 1, revokedAt: null }, undefined],
    ['at its expiry', { expiresAt: NOW, revokedAt: null }, 'expired'],
    ['revoked', { expiresAt: null, revokedAt: NOW - 1 }, 'revoked'],
    ['revoked and expired', { expiresAt: NOW - 1, revokedAt: NOW - 1 }, 'revoked'],
  ] as const)('a key %s: %s', (_what, terms, expected) => {
    expect(unusableBecause({ ...key, ...terms }, NOW)).toBe(expected);
  });
});

describe('key store and key book', () => {
  it('stores a key as keys/<id>.json with its hash, not its secret, and reads it back the same', async () => {
    const files = tempFiles();
    const store = new KeyStore(files);
    const { key, secret } = mintKey({ tenantId: null, role: 'admin', name: 'ops', expiresAt: NOW + 1000 }, NOW);
    await store.put(key);
    const text = (await files.read(`keys/${key.id}.json`)) as string;
    expect(text).toContain(key.secretSha256);
    expect(text).not.toContain(secret.slice(secret.lastIndexOf('_') + 1));
    expect(await store.get(key.id)).toEqual(key);
    expect(await store.all()).toEqual([key]);
    expect(await store.get('../../etc/passwd')).toBeUndefined();
  });

  it('authenticates a key created after it loaded by looking the id up once; a made-up id is read once until the next reload', async () => {
    const files = countingFiles(tempFiles());
    const store = new KeyStore(files);
    let now = NOW;
    const book = await KeyBook.open(store, { reloadIntervalMs: 60_000, clock: () => now });
    try {
      const minted = mintKey({ tenantId: 'acme', role: 'integration', name: '', expiresAt: NOW + 10_000 }, NOW);
      await store.put(minted.key);
      expect(book.authenticateKnown(minted.secret), 'not verified yet: no answer without the hash').toBeUndefined();
      expect(await book.authenticate(minted.secret)).toEqual({ ok: true, key: minted.key });
      expect(await book.authenticate(minted.secret)).toEqual({ ok: true, key: minted.key });
      expect(book.authenticateKnown(minted.secret), 'verified once: answered at once').toEqual({ ok: true, key: minted.key });
      expect(files.reads.filter((p) => p.startsWith('keys/'))).toEqual([`keys/${minted.key.id}.json`]);

      const madeUp = `jfk_${'z'.repeat(16)}_${'q'.repeat(43)}`;
      expect(await book.authenticate(madeUp)).toEqual({ ok: false, failure: 'unknown' });
      expect(await book.authenticate(madeUp)).toEqual({ ok: false, failure: 'unknown' });
      expect(files.reads.filter((p) => p.includes('z'.repeat(16)))).toHaveLength(1);

      const wrongSecret = `jfk_${minted.key.id}_${'q'.repeat(43)}`;
      expect(await book.authenticate(wrongSecret)).toEqual({ ok: false, failure: 'unknown' });
      expect(await book.authenticate('Bearer nonsense')).toEqual({ ok: false, failure: 'malformed' });

      now = NOW + 10_000;
      expect(await book.authenticate(minted.secret)).toEqual({ ok: false, failure: 'expired' });
      now = NOW;

      await store.put({ ...minted.key, revokedAt: NOW });
      expect((await book.authenticate(minted.secret)).ok, 'still the loaded copy until the reload').toBe(true);
      await book.reload();
      expect(book.authenticateKnown(minted.secret), 'the reload forgot what was verified against the old copy').toBeUndefined();
      expect(await book.authenticate(minted.secret)).toEqual({ ok: false, failure: 'revoked' });
      expect(await store.lastUse(minted.key.id)).toBe(NOW);
    } finally {
      book.close();
    }
  });
});

describe('keys CLI (in process)', () => {
  it('rotate stores a new key and gives the old one an expiry at the end of the overlap', async () => {
    const store = new KeyStore(tempFiles());
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), now: () => NOW };
    await runKeys(['create', '--tenant', 'acme', '--role', 'operator', '--json'], store, io);
    const created = JSON.parse(lines.pop() as string) as { id: string; secret: string };
    await runKeys(['rotate', created.id, '--overlap', '2h', '--json'], store, io);
    const rotated = JSON.parse(lines.pop() as string) as { id: string; secret: string; tenant_id: string; role: string };
    expect(rotated).toMatchObject({ tenant_id: 'acme', role: 'operator' });
    const old = (await store.get(created.id)) as ApiKey;
    expect(old).toMatchObject({ expiresAt: NOW + 2 * 3_600_000, rotatedTo: rotated.id, revokedAt: null });
    await runKeys(['revoke', rotated.id], store, io);
    expect((await store.get(rotated.id))?.revokedAt).toBe(NOW);
  });

  it.each([
    ['500ms', 500],
    ['45s', 45_000],
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['90d', 7_776_000_000],
  ])('duration %s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '1', '1w', '-1h', '1.5h'])('duration %j is refused', (text) => {
    expect(() => parseDuration(text)).toThrow(/not a duration/);
  });
});

describe('auth settings', () => {
  it.each([
    ['127.0.0.1:50051', true],
    ['127.8.9.10:1', true],
    ['localhost:50051', true],
    ['[::1]:50051', true],
    ['0.0.0.0:50051', false],
    ['10.0.0.5:50051', false],
    ['[::]:50051', false],
    ['jifen.internal:50051', false],
  ])('%s is loopback: %s', (addr, loopback) => {
    expect(isLoopback(addr)).toBe(loopback);
  });

  it('is off by default on a loopback address, refused on another unless JIFEN_AUTH says which', () => {
    expect(loadConfig({}).auth).toEqual({ enabled: false, offByDefault: true, reloadIntervalMs: 2000 });
    expect(() => loadConfig({ JIFEN_GRPC_ADDR: '0.0.0.0:50051' })).toThrow(ConfigError);
    expect(() => loadConfig({ JIFEN_GRPC_ADDR: '0.0.0.0:50051' })).toThrow(/JIFEN_AUTH/);
    expect(loadConfig({ JIFEN_GRPC_ADDR: '0.0.0.0:50051', JIFEN_AUTH: 'off', JIFEN_TLS: 'off' }).auth.enabled).toBe(false);
    expect(loadConfig({ JIFEN_GRPC_ADDR: '0.0.0.0:50051', JIFEN_AUTH: 'on', JIFEN_TLS: 'off', JIFEN_AUTH_RELOAD_MS: '500' }).auth).toEqual({
      enabled: true,
      offByDefault: false,
      reloadIntervalMs: 500,
    });
  });
});

describe('TLS settings', () => {
  const cert = { JIFEN_TLS_CERT: '/etc/jifen/cert.pem', JIFEN_TLS_KEY: '/etc/jifen/key.pem' };
  it.each<[string, Record<string, string>, RegExp | { enabled: boolean }]>([
    ['plaintext by default on loopback', {}, { enabled: false }],
    [
      'refused plaintext on another address, naming the settings',
      { JIFEN_GRPC_ADDR: '0.0.0.0:1', JIFEN_AUTH: 'on' },
      /JIFEN_TLS_CERT.*JIFEN_TLS=off/,
    ],
    [
      'plaintext on another address when said on purpose',
      { JIFEN_GRPC_ADDR: '0.0.0.0:1', JIFEN_AUTH: 'on', JIFEN_TLS: 'off' },
      { enabled: false },
    ],
    ['TLS with a certificate and key', { JIFEN_GRPC_ADDR: '0.0.0.0:1', JIFEN_AUTH: 'on', ...cert }, { enabled: true }],
    ['a certificate without its key', { JIFEN_TLS_CERT: '/c.pem' }, /JIFEN_TLS_CERT and JIFEN_TLS_KEY go together/],
    [
      'a client CA without a server certificate',
      { JIFEN_TLS_CLIENT_CA: '/ca.pem' },
      /JIFEN_TLS_CLIENT_CA \(mTLS\) needs the server certificate/,
    ],
    ['JIFEN_TLS=on without files', { JIFEN_TLS: 'on' }, /JIFEN_TLS=on needs JIFEN_TLS_CERT/],
    ['JIFEN_TLS=off with files', { JIFEN_TLS: 'off', ...cert }, /contradicts/],
  ])('%s', (_, env, expected) => {
    if (expected instanceof RegExp) expect(() => loadConfig(env)).toThrow(expected);
    else expect(loadConfig(env).tls.enabled).toBe(expected.enabled);
  });

  it('requires client certificates only when asked and a client CA is set', () => {
    const tls = loadConfig({ ...cert, JIFEN_TLS_CLIENT_CA: '/ca.pem', JIFEN_TLS_CLIENT_CERT: 'require' }).tls;
    expect(tls).toMatchObject({ enabled: true, clientCaFile: '/ca.pem', requireClientCert: true });
    expect(loadConfig({ ...cert, JIFEN_TLS_CLIENT_CERT: 'require' }).tls).toMatchObject({ requireClientCert: false });
  });
});

describe('rate limit settings', () => {
  it.each<[string, ReturnType<typeof parseRateLimits> | RegExp]>([
    ['integration=100:200,operator=5', { integration: { perSecond: 100, burst: 200 }, operator: { perSecond: 5, burst: 5 } }],
    ['off', {}],
    ['integration=100,integration=5', /given twice/],
    ['reader=5', /not role=perSecond/],
    ['integration=0', /must be >= 1/],
    ['integration=1.5', /not role=perSecond/],
  ])('%s', (text, expected) => {
    if (expected instanceof RegExp) expect(() => parseRateLimits(text)).toThrow(expected);
    else expect(parseRateLimits(text)).toEqual(expected);
  });

  it('has a default for every role', () => {
    expect(Object.keys(loadConfig({}).rateLimits).sort()).toEqual(['admin', 'auditor', 'integration', 'operator']);
  });
});
