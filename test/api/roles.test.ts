// The role table, row by row as issue 15 lists it, checked against the .proto files (a method of the
// contract without a row fails here and in the build), and the access decision on decoded requests.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessDenial } from '../../src/api/access.js';
import { ADMIN_SERVICE_ROLES, POINTS_SERVICE_ROLES, ROLES_OF_PATH, isOpenPath } from '../../src/api/roles.js';
import { type ApiKey, ROLES, type Role } from '../../src/auth/api-key.js';
import { PROTO_DIR } from '../../src/contract/proto.js';

// method → the roles that may call it; a role not listed gets PERMISSION_DENIED.
const EXPECTED: [service: string, method: string, roles: Role[]][] = [
  ['PointsService', 'Earn', ['integration']],
  ['PointsService', 'Redeem', ['integration']],
  ['PointsService', 'Reverse', ['integration']],
  ['PointsService', 'Hold', ['integration']],
  ['PointsService', 'CaptureHold', ['integration']],
  ['PointsService', 'ReleaseHold', ['integration']],
  ['PointsService', 'QuoteRedemption', ['integration']],
  ['PointsService', 'Transfer', ['integration']],
  ['PointsService', 'Enroll', ['integration']],
  ['PointsService', 'RecordActivity', ['integration']],
  ['PointsService', 'RedeemReward', ['integration']],
  ['PointsService', 'DrawLottery', ['integration']],
  ['PointsService', 'ListRedemptions', ['integration']],
  ['PointsService', 'CancelRedemption', ['integration']],
  ['PointsService', 'SubmitBatch', ['integration']],
  ['PointsService', 'WatchEvents', ['integration']],
  ['PointsService', 'GetAccount', ['integration', 'auditor']],
  ['PointsService', 'ListEntries', ['integration', 'auditor']],
  ['PointsService', 'Adjust', ['operator']],
  ['AdminService', 'ListFlagged', ['operator']],
  ['AdminService', 'ApproveFlagged', ['operator']],
  ['AdminService', 'RejectFlagged', ['operator']],
  ['AdminService', 'UpdateRedemption', ['operator']],
  ['AdminService', 'PutProgram', ['admin']],
  ['AdminService', 'GetProgram', ['admin']],
  ['AdminService', 'PutReward', ['admin']],
  ['AdminService', 'ListRewards', ['admin']],
  ['AdminService', 'ImportLots', ['admin']],
  ['AdminService', 'CreateApiKey', ['admin']],
  ['AdminService', 'ListApiKeys', ['admin']],
  ['AdminService', 'RevokeApiKey', ['admin']],
  ['AdminService', 'RotateApiKey', ['admin']],
  ['AdminService', 'ListAuditRecords', ['auditor', 'admin']],
  ['AdminService', 'GetRollForward', ['auditor', 'admin']],
  ['AdminService', 'AuditLedger', ['auditor', 'admin']],
];

function key(tenantId: string | null, role: Role): ApiKey {
  return {
    id: 'aaaaaaaaaaaaaaaa',
    tenantId,
    role,
    name: '',
    secretSha256: '0'.repeat(64),
    createdAt: 0,
    expiresAt: null,
    revokedAt: null,
    rotatedTo: null,
  };
}

/** Every `rpc Name(` of every service in proto/jifen/v1/*.proto, as gRPC paths. */
function pathsInProto(): string[] {
  const dir = join(PROTO_DIR, 'jifen/v1');
  const paths: string[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.proto'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const service of text.matchAll(/service\s+(\w+)\s*\{([\s\S]*?)\n\}/g)) {
      for (const rpc of service[2].matchAll(/^\s*rpc\s+(\w+)\s*\(/gm)) paths.push(`/jifen.v1.${service[1]}/${rpc[1]}`);
    }
  }
  return paths.sort();
}

describe('role table', () => {
  it('has a row for every method of every service in proto/jifen/v1, and none for a method that is not there', () => {
    expect([...ROLES_OF_PATH.keys()].sort()).toEqual(pathsInProto());
    expect(pathsInProto().length).toBeGreaterThanOrEqual(28);
  });

  it('is the table the issue lists, row by row', () => {
    expect(EXPECTED.map(([s, m]) => `/jifen.v1.${s}/${m}`).sort()).toEqual(pathsInProto());
    for (const [service, method, roles] of EXPECTED) {
      const table: Record<string, readonly Role[]> = service === 'PointsService' ? POINTS_SERVICE_ROLES : ADMIN_SERVICE_ROLES;
      expect([...table[method]].sort(), `${service}.${method}`).toEqual([...roles].sort());
    }
  });

  it.each(EXPECTED.flatMap(([service, method, roles]) => ROLES.map((role) => [service, method, role, roles.includes(role)] as const)))(
    '%s.%s by %s: allowed %s',
    (service, method, role, allowed) => {
      const denial = accessDenial(key('acme', role), `/jifen.v1.${service}/${method}`, { tenant_id: 'acme', commands: [] });
      expect(denial === undefined).toBe(allowed);
      if (!allowed) expect(denial).toEqual({ kind: 'role', role, method });
    },
  );

  it('keeps health and reflection open and nothing else', () => {
    expect(isOpenPath('/grpc.health.v1.Health/Check')).toBe(true);
    expect(isOpenPath('/grpc.health.v1.Health/Watch')).toBe(true);
    expect(isOpenPath('/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo')).toBe(true);
    expect(isOpenPath('/grpc.reflection.v1.ServerReflection/ServerReflectionInfo')).toBe(true);
    expect(isOpenPath('/jifen.v1.PointsService/GetAccount')).toBe(false);
    expect(isOpenPath('/grpc.health.v1.HealthX/Check')).toBe(false);
  });
});

describe('access decision', () => {
  const earn = '/jifen.v1.PointsService/Earn';
  const batch = '/jifen.v1.PointsService/SubmitBatch';
  const cases: [what: string, k: ApiKey, path: string, request: unknown, expected: unknown][] = [
    ['own tenant', key('acme', 'integration'), earn, { tenant_id: 'acme' }, undefined],
    ['another tenant', key('acme', 'integration'), earn, { tenant_id: 'bravo' }, { kind: 'tenant', tenantId: 'acme', named: 'bravo' }],
    ['an empty tenant_id', key('acme', 'integration'), earn, { tenant_id: '' }, { kind: 'tenant', tenantId: 'acme', named: '' }],
    ['a platform key, any tenant', key(null, 'integration'), earn, { tenant_id: 'bravo' }, undefined],
    [
      'a platform key still needs the role',
      key(null, 'auditor'),
      earn,
      { tenant_id: 'bravo' },
      { kind: 'role', role: 'auditor', method: 'Earn' },
    ],
    [
      'a method not in the table',
      key(null, 'admin'),
      '/jifen.v1.PointsService/Nothing',
      { tenant_id: 'a' },
      { kind: 'role', role: 'admin', method: 'Nothing' },
    ],
    [
      'a batch of own-tenant earns and holds',
      key('acme', 'integration'),
      batch,
      {
        commands: [
          { command: 'earn', earn: { tenant_id: 'acme' } },
          { command: 'hold', hold: { tenant_id: 'acme' } },
        ],
      },
      undefined,
    ],
    [
      'a batch with one command of another tenant',
      key('acme', 'integration'),
      batch,
      {
        commands: [
          { command: 'earn', earn: { tenant_id: 'acme' } },
          { command: 'redeem', redeem: { tenant_id: 'bravo' } },
        ],
      },
      { kind: 'tenant', tenantId: 'acme', named: 'bravo' },
    ],
    [
      'a batch carrying an adjust (integration may not Adjust)',
      key('acme', 'integration'),
      batch,
      { commands: [{ command: 'adjust', adjust: { tenant_id: 'acme' } }] },
      { kind: 'role', role: 'integration', method: 'SubmitBatch(adjust)' },
    ],
    ['a batch with an empty command (the handler rejects it)', key('acme', 'integration'), batch, { commands: [{}] }, undefined],
  ];

  it.each(cases)('%s', (_what, k, path, request, expected) => {
    expect(accessDenial(k, path, request)).toEqual(expected);
  });
});
