// Responses encoded as the handlers build them (no fromObject copy first) give the same bytes as
// proto-loader's own serializer, for every write kind a batch can answer, errors, and an account view;
// ListEntries, whose entries carry an enum by name, keeps the loader's serializer.

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import type { WriteCommand } from '../../src/actor/commands.js';
import { NEVER_EXPIRES } from '../../src/actor/entries.js';
import type { WriteResult } from '../../src/actor/results.js';
import { encodeAccount, encodeBatchError, encodeBatchResult, encodeWrite } from '../../src/api/encode.js';
import { ADMIN_PROTO, LOADER_OPTIONS, POINTS_PROTO, contractRoot, loadPointsPackage } from '../../src/contract/proto.js';

const direct = loadPointsPackage().service;
const loaderOwn = (
  grpc.loadPackageDefinition(protoLoader.loadSync([POINTS_PROTO, ADMIN_PROTO], LOADER_OPTIONS)) as unknown as {
    jifen: { v1: { PointsService: grpc.ServiceClientConstructor } };
  }
).jifen.v1.PointsService.service;

const written: WriteResult = {
  entryId: 'e-7',
  seq: 7,
  points: 120,
  balance: 9_007_199_254_740,
  breakdown: [
    { ruleId: 'base', points: 100 },
    { ruleId: 'double-11', points: 20 },
  ],
  pending: 35,
  availableAt: 1_765_000_000_123,
  programVersion: 3,
  streak: 4,
  holdId: 'h-1',
  holdPoints: 50,
  holdExpiresAt: 1_765_000_600_000,
  transferId: 't-1',
  partnerUnits: 12,
  reviewRule: 'velocity',
  reviewPoints: 0,
};

const KINDS: WriteCommand['kind'][] = [
  'earn',
  'redeem',
  'reverse',
  'adjust',
  'enroll',
  'activity',
  'hold',
  'capture',
  'release',
  'transfer',
];

function sameBytes(method: string, value: object): void {
  const ours = direct[method].responseSerialize(value);
  expect(direct[method].responseSerialize).not.toBe(loaderOwn[method].responseSerialize);
  expect(ours.length).toBeGreaterThan(0);
  expect(ours.equals(loaderOwn[method].responseSerialize(value))).toBe(true);
}

describe('responses encoded directly', () => {
  it.each(KINDS)('a batch answering %s: the same bytes as through fromObject', (kind) => {
    sameBytes('SubmitBatch', { results: [encodeBatchResult(kind, { ok: true, value: written })] });
  });

  it.each([
    {
      name: 'no breakdown, nothing pending, no review rule',
      value: { ...written, breakdown: [], pending: 0, availableAt: 0, reviewRule: undefined },
    },
    { name: 'negative points (a reversal)', value: { ...written, points: -120 } },
  ])('an Earn response with $name', ({ value }) => {
    sameBytes('Earn', encodeWrite('earn', value));
  });

  it('a batch mixing results and errors', () => {
    const results = [
      encodeBatchResult('earn', { ok: true, value: written }),
      encodeBatchError(3, 'commands[1].amount_minor: must be > 0'),
      encodeBatchError(8, 'velocity limit', 1_500),
      encodeBatchResult('hold', { ok: true, value: written }),
    ];
    sameBytes('SubmitBatch', { results });
  });

  it('an account with lots, a never-expiring lot and a tier', () => {
    const account = encodeAccount({
      tenantId: 't1',
      memberId: '会员-1',
      balance: 500,
      lifetimeEarned: 900,
      lifetimeRedeemed: 400,
      seq: 12,
      lots: [
        { points: 300, expiresAt: 1_790_000_000_000 },
        { points: 200, expiresAt: NEVER_EXPIRES },
      ] as never,
      pending: 10,
      held: 5,
      expiring: [{ points: 300, expiresAt: 1_790_000_000_000 }],
      enrolled: true,
      tier: 'gold',
      tierName: '金卡',
      tierValidUntil: 1_800_000_000_000,
      tierMetric: 900,
      nextTier: 'platinum',
      nextTierNeeded: 100,
    });
    sameBytes('GetAccount', account);
  });

  it('keeps fromObject where a response holds an enum (ListEntries: entry types by name)', () => {
    const page = { entries: [{ entry_id: 'e-1', seq: 1, type: 'ENTRY_TYPE_EARN', points: 5 }], next_page_token: '' };
    const loaderBytes = loaderOwn.ListEntries.responseSerialize(page);
    expect(direct.ListEntries.responseSerialize(page).equals(loaderBytes)).toBe(true);
    // Encoded as it is, the name would not become its number: the rule is what keeps this right.
    const asIs = Buffer.from(contractRoot().lookupType('jifen.v1.ListEntriesResponse').encode(page).finish());
    expect(asIs.equals(loaderBytes)).toBe(false);
  });
});
