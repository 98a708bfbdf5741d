// `jifen keys`: creates, lists, revokes and rotates API keys where the engine reads them (the data
// directory, or the Cassandra keyspace, by the same JIFEN_* settings as the engine). Running engines
// pick a change up within JIFEN_AUTH_RELOAD_MS; a new key works at once (an unknown id is looked up).
//
//   npm run keys -- create --tenant acme --role integration [--name checkout] [--expires-in 90d] [--json]
//   npm run keys -- create --platform --role admin
//   npm run keys -- list [--tenant acme] [--json]
//   npm run keys -- revoke <id>
//   npm run keys -- rotate <id> [--overlap 24h] [--json]
//
// The secret is printed once, by create and rotate; only its SHA-256 is stored.
// Exit code: 0 done, 2 usage or configuration errors, 1 anything else.

import { pathToFileURL } from 'node:url';
import { hostname, userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { type ApiKey, type MintedKey, ROLES, type Role } from '../auth/api-key.js';
import { KeyAdminError, createKey, keyState, revokeKey, rotateKey } from '../auth/key-admin.js';
import { KeyStore } from '../auth/key-store.js';
import { AuditTrail } from '../auth/audit-trail.js';
import { TENANT_ID } from '../auth/caller.js';
import { type Config, ConfigError, loadConfig } from '../config/config.js';
import { CassandraSharedFiles } from '../ledger/cassandra/shared-files.js';
import { DataDirFiles } from '../ledger/embedded/data-dir-files.js';
import type { SharedFiles } from '../ledger/shared-files.js';

export class KeysUsageError extends Error {
  override name = 'KeysUsageError';
}

export interface KeysIo {
  out: (line: string) => void;
  now: () => number;
  /** Writes the audit-trail record of a change (create, revoke, rotate), before the command reports it done. */
  record?: (action: KeyAction) => Promise<void>;
}

export interface KeyAction {
  command: 'create' | 'revoke' | 'rotate';
  keyId: string;
  tenantId: string | null;
  role: Role;
}

const USAGE =
  'usage: keys create (--tenant <id> | --platform) --role <integration|operator|admin|auditor> [--name <label>] [--expires-in <duration>] [--json]\n' +
  '       keys list [--tenant <id>] [--json]\n' +
  '       keys revoke <id>\n' +
  '       keys rotate <id> [--overlap <duration, default 24h>] [--json]\n' +
  'durations: 90d, 24h, 30m, 45s, 500ms';

/** Runs one keys command against store. */
export async function runKeys(argv: string[], store: KeyStore, io: KeysIo): Promise<void> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseOptions(rest);
  switch (command) {
    case 'create':
      return create(values, store, io);
    case 'list':
      return list(values, store, io);
    case 'revoke':
      return revoke(onlyId(positionals), store, io);
    case 'rotate':
      return rotate(onlyId(positionals), values, store, io);
    default:
      throw new KeysUsageError(command === undefined ? 'no command' : `unknown command ${command}`);
  }
}

/** `90d`, `24h`, `30m`, `45s`, `500ms` in milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new KeysUsageError(`not a duration: ${text} (e.g. 90d, 24h, 30m, 45s, 500ms)`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

type Options = ReturnType<typeof parseOptions>['values'];

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        tenant: { type: 'string' },
        platform: { type: 'boolean', default: false },
        role: { type: 'string' },
        name: { type: 'string', default: '' },
        'expires-in': { type: 'string' },
        overlap: { type: 'string', default: '24h' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new KeysUsageError((err as Error).message);
  }
}

async function create(values: Options, store: KeyStore, io: KeysIo): Promise<void> {
  if (values.platform === (values.tenant !== undefined)) throw new KeysUsageError('give exactly one of --tenant <id> and --platform');
  if (values.tenant !== undefined && !TENANT_ID.test(values.tenant))
    throw new KeysUsageError(`--tenant ${values.tenant} is not a tenant id`);
  if (!ROLES.includes(values.role as Role)) throw new KeysUsageError(`--role must be one of ${ROLES.join(', ')}`);
  const now = io.now();
  const expiresAt = values['expires-in'] === undefined ? null : now + parseDuration(values['expires-in']);
  const minted = await createKey(store, { tenantId: values.tenant ?? null, role: values.role as Role, name: values.name, expiresAt }, now);
  await io.record?.({ command: 'create', keyId: minted.key.id, tenantId: minted.key.tenantId, role: minted.key.role });
  showMinted(minted, values.json, io);
}

async function list(values: Options, store: KeyStore, io: KeysIo): Promise<void> {
  const keys = (await store.all((id, why) => io.out(`# keys/${id}.json ignored: ${why}`)))
    .filter((key) => values.tenant === undefined || key.tenantId === values.tenant)
    .sort((a, b) => a.createdAt - b.createdAt);
  const rows = await Promise.all(keys.map(async (key) => ({ ...describe(key, io.now()), last_used_at: iso(await store.lastUse(key.id)) })));
  if (values.json) {
    io.out(JSON.stringify(rows));
    return;
  }
  io.out('id                tenant        role         state     expires                   last used                 name');
  for (const r of rows) {
    io.out(
      [r.id, r.tenant_id ?? '(platform)', r.role, r.state, r.expires_at ?? '-', r.last_used_at ?? '-', r.name]
        .map((cell, i) => cell.padEnd([17, 13, 12, 9, 25, 25, 0][i]))
        .join(' ')
        .trimEnd(),
    );
  }
}

async function revoke(id: string, store: KeyStore, io: KeysIo): Promise<void> {
  const key = await keyCommand(() => revokeKey(store, id, io.now()));
  await io.record?.({ command: 'revoke', keyId: id, tenantId: key.tenantId, role: key.role });
  io.out(`key ${id} revoked; engines refuse it within JIFEN_AUTH_RELOAD_MS`);
}

async function rotate(id: string, values: Options, store: KeyStore, io: KeysIo): Promise<void> {
  const overlapMs = parseDuration(values.overlap);
  const { minted, replaced } = await keyCommand(() => rotateKey(store, id, overlapMs, io.now()));
  await io.record?.({ command: 'rotate', keyId: id, tenantId: replaced.tenantId, role: replaced.role });
  showMinted(minted, values.json, io, `key ${id} now expires at ${new Date(replaced.expiresAt as number).toISOString()}`);
}

/** A key refused by the rules (unknown, revoked) is a usage error: exit 2 with the reason. */
async function keyCommand<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof KeyAdminError) throw new KeysUsageError(err.message);
    throw err;
  }
}

function showMinted(minted: MintedKey, json: boolean, io: KeysIo, note?: string): void {
  const described = describe(minted.key, io.now());
  if (json) {
    io.out(JSON.stringify({ ...described, secret: minted.secret }));
    return;
  }
  io.out(
    `key ${described.id}: tenant ${described.tenant_id ?? '(platform)'}, role ${described.role}, expires ${described.expires_at ?? 'never'}`,
  );
  if (note) io.out(note);
  io.out('the secret, shown only now (send it as metadata `authorization: Bearer <secret>`):');
  io.out(minted.secret);
}

function describe(key: ApiKey, now: number) {
  const state = keyState(key, now);
  return {
    id: key.id,
    tenant_id: key.tenantId,
    role: key.role,
    name: key.name,
    state,
    created_at: iso(key.createdAt) as string,
    expires_at: iso(key.expiresAt),
    revoked_at: iso(key.revokedAt),
    rotated_to: key.rotatedTo,
  };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function onlyId(positionals: string[]): string {
  if (positionals.length !== 1) throw new KeysUsageError('give the key id');
  return positionals[0];
}

function openSharedFiles(config: Config): Promise<SharedFiles> | SharedFiles {
  return config.ledger.kind === 'cassandra' ? CassandraSharedFiles.open(config.ledger) : new DataDirFiles(config.dataDir);
}

async function main(): Promise<number> {
  let files: SharedFiles | undefined;
  try {
    const config = loadConfig();
    files = await openSharedFiles(config);
    const trail = new AuditTrail(files);
    const now = () => Date.now() + config.clockOffsetMs;
    // Who, for the audit trail: the operating-system user on this host (the CLI runs where the ledger is).
    const who = `cli:${userInfo().username}@${hostname()}`;
    await runKeys(process.argv.slice(2), new KeyStore(files), {
      out: (line) => console.log(line),
      now,
      record: async (action) => {
        await trail.record({
          at: now(),
          keyId: who,
          role: '',
          tenantId: action.tenantId ?? '',
          method: `keys ${action.command}`,
          requestJson: JSON.stringify({ key_id: action.keyId, tenant_id: action.tenantId, role: action.role }),
          reason: '',
          outcome: 'OK',
          outcomeMessage: '',
          peer: 'local',
        });
      },
    });
    return 0;
  } catch (err) {
    if (err instanceof KeysUsageError) {
      console.error(`keys: ${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      console.error(`keys: ${err.message}`);
      return 2;
    }
    console.error('keys:', err);
    return 1;
  } finally {
    await files?.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then((code) => process.exit(code));
}
