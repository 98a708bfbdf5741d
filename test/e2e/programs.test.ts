// Per-tenant programs end to end, over real gRPC sockets against real engine processes: AdminService
// PutProgram/GetProgram, the example program from JIFEN_PROGRAMS_DIR (breakdown, pending points,
// tiers), Enroll and RecordActivity, and what falls due with time (expiry, streaks, tier reviews).
// Time moves by restarting the engine on the same data dir with a larger JIFEN_CLOCK_OFFSET_MS, so the
// tests of the last describe run in order on one ledger; each restart costs seconds, so there are three.

import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminClient, adminClient } from '../support/admin-client.js';
import { type EngineProcess, cleanupEngines, makeDataDir, startEngine } from '../support/engine-process.js';
import { uniq } from '../support/ids.js';
import {
  type Account,
  type EarnRequest,
  type Entry,
  type PointsClient,
  type Timestamp,
  codeOf,
  pointsClient,
  pointsServiceChannel,
  promisedClient,
} from '../support/points-client.js';
import { failureOf } from '../support/expect-grpc.js';
import { msOf } from '../support/timestamps.js';
import { eventually } from '../support/waiting.js';

const DAY_MS = 86_400_000;
/** Asia/Shanghai (every program here) is UTC+8 all year: no daylight saving. */
const SHANGHAI_MS = 8 * 3_600_000;
const EXAMPLE = 'example';

afterAll(cleanupEngines);

describe('per-tenant programs', () => {
  const dataDir = makeDataDir();
  let engine: EngineProcess | undefined;
  let points: PointsClient;
  let members: MemberClient;
  let admin: AdminClient;

  /** (Re)starts the engine on the one data dir with the clock moved by offsetMs; the clients follow it. */
  async function startWithClockOffset(offsetMs: number): Promise<void> {
    if (engine) {
      closeClients();
      const previous = engine;
      expect(await previous.stop(), previous.output()).toBe(0);
    }
    engine = await startEngine({
      dataDir,
      isolateEnv: true,
      env: {
        JIFEN_SHARDS: '2',
        JIFEN_PROGRAMS_DIR: 'deploy/programs',
        JIFEN_HOUSEKEEPING_INTERVAL_MS: '100',
        JIFEN_CLOCK_OFFSET_MS: String(offsetMs),
      },
    });
    points = pointsClient(engine.grpcAddr);
    members = memberClient(engine.grpcAddr);
    admin = adminClient(engine.grpcAddr);
  }

  function closeClients(): void {
    points?.close();
    members?.close();
    admin?.close();
  }

  beforeAll(() => startWithClockOffset(0));
  afterAll(closeClients);

  const earn = async (req: EarnRequest) => (await points.Earn(req)) as unknown as EarnResult;
  const accountOf = async (tenantId: string, memberId: string) =>
    (await points.GetAccount({ tenant_id: tenantId, member_id: memberId })).account as ProgramAccount;
  const entriesOf = async (tenantId: string, memberId: string) =>
    (await points.ListEntries({ tenant_id: tenantId, member_id: memberId, page_size: 1000 })).entries as ProgramEntry[];

  describe('AdminService', () => {
    const TENANT = 'admin-e2e';

    it('PutProgram refuses an invalid document with INVALID_ARGUMENT naming every path, and installs nothing', async () => {
      const invalid = [
        'rules:',
        '  - { id: shoes, kind: item_multiplier, match: { categories: [shoes] }, multiplier: 0.5 }',
        'expiry: { kind: rolling, monts: 12 }',
      ].join('\n');
      const err = await failureOf(admin.PutProgram({ tenant_id: TENANT, document: invalid }));
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.details).toContain('rules[0].multiplier must be >= 1');
      expect(err.details).toContain('expiry.monts unknown key');

      const mismatch = await failureOf(admin.PutProgram({ tenant_id: TENANT, document: 'tenant_id: somebody-else' }));
      expect(mismatch.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(mismatch.details).toContain(`tenant_id must equal ${TENANT}`);

      expect(await codeOf(admin.GetProgram({ tenant_id: TENANT }))).toBe(grpc.status.NOT_FOUND);
      // Still the built-in default (version 0): 1 point per yuan.
      const res = await earn(earnRequest(TENANT, uniq('m'), 10_000));
      expect(res).toMatchObject({ points: 100, program_version: 0 });
    });

    it('PutProgram refuses hostile documents (100,000-deep nesting, an alias bomb) with INVALID_ARGUMENT naming the limit; the engine keeps serving', async () => {
      const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      const bomb = [
        'a: &a [x,x,x,x,x,x,x,x,x]',
        ...'bcdefghij'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]`),
      ].join('\n');
      const cases: [string, string, 'DOCUMENT_FORMAT_JSON' | 'DOCUMENT_FORMAT_YAML'][] = [
        ['nests deeper than 32 levels', deep, 'DOCUMENT_FORMAT_JSON'],
        ['nests deeper than 32 levels', deep, 'DOCUMENT_FORMAT_YAML'],
        ['aliases', bomb, 'DOCUMENT_FORMAT_YAML'],
      ];
      for (const [message, document, format] of cases) {
        const err = await failureOf(admin.PutProgram({ tenant_id: TENANT, document, format }));
        expect([err.code, err.details]).toEqual([grpc.status.INVALID_ARGUMENT, expect.stringContaining(message)]);
      }
      expect(await codeOf(admin.GetProgram({ tenant_id: TENANT }))).toBe(grpc.status.NOT_FOUND);
      expect(await earn(earnRequest(TENANT, uniq('m'), 10_000))).toMatchObject({ points: 100, program_version: 0 });
    });

    it('PutProgram installs a valid document as version 1 and GetProgram returns it as authored', async () => {
      const put = await admin.PutProgram({ tenant_id: TENANT, document: rateDocument(2), expected_version: 0 });
      expect(put).toEqual({ tenant_id: TENANT, version: 1 });

      const got = await admin.GetProgram({ tenant_id: TENANT });
      expect(got).toMatchObject({ tenant_id: TENANT, version: 1, document: rateDocument(2), format: 'DOCUMENT_FORMAT_YAML' });
      expect(JSON.parse(got.normalized_json)).toMatchObject({ tenantId: TENANT, version: 1, baseRate: { points: 2, perMinor: 100 } });

      const json = JSON.stringify({ base_rate: { points: 5, per_minor: 100 } });
      const jsonTenant = `${TENANT}-json`;
      expect(await admin.PutProgram({ tenant_id: jsonTenant, document: json, format: 'DOCUMENT_FORMAT_JSON' })).toEqual({
        tenant_id: jsonTenant,
        version: 1,
      });
      expect(await admin.GetProgram({ tenant_id: jsonTenant })).toMatchObject({ document: json, format: 'DOCUMENT_FORMAT_JSON' });
    });

    it('PutProgram with an expected_version other than the current one is FAILED_PRECONDITION and changes nothing', async () => {
      for (const expected of [0, 2, 7]) {
        const err = await failureOf(admin.PutProgram({ tenant_id: TENANT, document: rateDocument(9), expected_version: expected }));
        expect(err.code, `expected_version ${expected}`).toBe(grpc.status.FAILED_PRECONDITION);
      }
      expect(await admin.GetProgram({ tenant_id: TENANT })).toMatchObject({ version: 1, document: rateDocument(2) });
    });

    it('a command sent after PutProgram answered is decided with the new version', async () => {
      const memberId = uniq('m');
      expect(await earn(earnRequest(TENANT, memberId, 10_000))).toMatchObject({ points: 200, program_version: 1 });

      expect(await admin.PutProgram({ tenant_id: TENANT, document: rateDocument(3), expected_version: 1 })).toMatchObject({ version: 2 });
      expect(await earn(earnRequest(TENANT, memberId, 10_000))).toMatchObject({ points: 300, program_version: 2 });
      // Without expected_version there is no check: it becomes version 3.
      expect(await admin.PutProgram({ tenant_id: TENANT, document: rateDocument(4) })).toMatchObject({ version: 3 });
      expect(await earn(earnRequest(TENANT, uniq('m'), 10_000))).toMatchObject({ points: 400, program_version: 3 });

      expect(await admin.GetProgram({ tenant_id: TENANT, version: 2 })).toMatchObject({ version: 2, document: rateDocument(3) });
      expect((await entriesOf(TENANT, memberId)).map((e) => e.program_version)).toEqual([1, 2]);
    });
  });

  describe('the example program installed from JIFEN_PROGRAMS_DIR', () => {
    it('is version 1 of tenant example', async () => {
      expect(await admin.GetProgram({ tenant_id: EXAMPLE })).toMatchObject({ tenant_id: EXAMPLE, version: 1 });
    });

    it('Earn itemises a worked order per rule and keeps the return-window points pending', async () => {
      const memberId = uniq('m');
      const occurredMs = campaignFreeNoon();
      const res = await earn({
        ...earnRequest(EXAMPLE, memberId, 50_000, occurredMs),
        channel: 'mini_program',
        store_id: 'sh-001',
        items: [
          { sku: 'CIG-20', category: '烟酒', amount_minor: 10_000, quantity: 1 },
          { sku: 'DIAPER-L', category: '母婴', amount_minor: 15_000, quantity: 2 },
          { sku: 'APPLE-1KG', category: '生鲜', amount_minor: 10_000, quantity: 3 },
          { sku: 'RICE-5KG', category: '粮油', amount_minor: 15_000, quantity: 1 },
        ],
      });
      // eligible           = 50,000 − 10,000 (烟酒 excluded by no-points-tobacco-alcohol-gift-cards) = 40,000 分
      // base               = floor(40,000 × 1/100)              = 400
      // tier:normal        = 1.0× → no line
      // mother-baby-double = floor(15,000 × 1/100 × (2 − 1))    = 150 (under its 2,000 a day)
      // mini-program-fresh = floor(10,000 × 1/100 × (1.1 − 1))  = 10  (channel mini_program)
      // campaigns          = none: not a Wednesday, the 1st, 11-11, 06-18 or Spring Festival; no birthday known
      // first-order-bonus  = 100; new-product-bonus: no new sku; big-basket-bonus: gold and diamond only
      // points             = 400 + 150 + 10 + 100 = 660
      // pending_days 7 holds the base (and tier and campaign) lines only: pending 400, available 260.
      expect(res).toMatchObject({ points: 660, pending: 400, balance: 260, program_version: 1 });
      expect(res.breakdown).toEqual([
        { rule_id: 'base', points: 400 },
        { rule_id: 'mother-baby-double', points: 150 },
        { rule_id: 'mini-program-fresh', points: 10 },
        { rule_id: 'first-order-bonus', points: 100 },
      ]);
      // Available from 00:00 local on the day after the order's local day + 7: noon + 7 days + 12 h.
      expect(msOf(res.available_at)).toBe(shanghaiEndOfDayAfter(occurredMs, 0, 7) + 1);
      expect(msOf(res.available_at)).toBe(occurredMs + 7 * DAY_MS + 12 * 3_600_000);

      const account = await accountOf(EXAMPLE, memberId);
      expect(account).toMatchObject({
        balance: 260,
        pending: 400,
        lifetime_earned: 660,
        tier: 'normal',
        tier_name: '普通',
        enrolled: false,
      });
      // One lot for the whole earn, 12 months to the end of that local day.
      expect(account.expiring.map((e) => ({ points: e.points, at: msOf(e.expires_at) }))).toEqual([
        { points: 660, at: shanghaiEndOfDayAfter(occurredMs, 12, 0) },
      ]);
      expect(await codeOf(points.Redeem({ tenant_id: EXAMPLE, member_id: memberId, idempotency_key: uniq('r'), points: 261 }))).toBe(
        grpc.status.FAILED_PRECONDITION,
      );
    });

    it('spend reaching the silver threshold upgrades the member at once, and the next order earns the silver line', async () => {
      const memberId = uniq('m');
      const occurredMs = campaignFreeNoon();
      // 1,500 yuan: base 1,500 + first order 100; still normal, 500 yuan short of silver.
      expect(await earn(earnRequest(EXAMPLE, memberId, 150_000, occurredMs))).toMatchObject({ points: 1_600 });
      expect((await accountOf(EXAMPLE, memberId)).tier_progress).toEqual({ metric: 150_000, next_tier: 'silver', needed: 50_000 });

      // 500 more yuan reach 200,000: silver from this order on (the order itself still earns at normal).
      const upgrading = await earn(earnRequest(EXAMPLE, memberId, 50_000, occurredMs));
      expect(upgrading.breakdown).toEqual([{ rule_id: 'base', points: 500 }]);
      const silver = await accountOf(EXAMPLE, memberId);
      expect(silver).toMatchObject({ tier: 'silver', tier_name: '银卡' });
      expect(msOf(silver.tier_valid_until)).toBe(shanghaiEndOfDayAfter(occurredMs, 12, 0));
      expect(silver.tier_progress).toEqual({ metric: 200_000, next_tier: 'gold', needed: 800_000 });

      // 100 yuan at silver (1.2×): base 100 + tier:silver floor(10,000 × 1/100 × 0.2) = 20.
      const next = await earn(earnRequest(EXAMPLE, memberId, 10_000, occurredMs));
      expect(next.breakdown).toEqual([
        { rule_id: 'base', points: 100 },
        { rule_id: 'tier:silver', points: 20 },
      ]);
      expect((await accountOf(EXAMPLE, memberId)).tier_progress).toEqual({ metric: 210_000, next_tier: 'gold', needed: 790_000 });

      const entries = await entriesOf(EXAMPLE, memberId);
      expect(entries.map((e) => [e.type, e.tier_after])).toEqual([
        ['ENTRY_TYPE_EARN', ''],
        ['ENTRY_TYPE_EARN', 'silver'],
        ['ENTRY_TYPE_EARN', ''],
      ]);
    });
  });

  describe('Enroll', () => {
    it('grants the sign-up bonus once; a retry with its key returns the same entry, another key is ALREADY_EXISTS', async () => {
      const memberId = uniq('m');
      const request = enrollRequest(memberId, { birthday: { month: 3, day: 15 }, channel: 'app' });
      const first = await members.Enroll(request);
      expect(first).toMatchObject({ points: 200, balance: 200, seq: 1, breakdown: [{ rule_id: 'sign_up', points: 200 }] });
      expect(await members.Enroll(request)).toEqual(first);

      const again = await failureOf(members.Enroll(enrollRequest(memberId)));
      expect(again.code).toBe(grpc.status.ALREADY_EXISTS);
      expect(await accountOf(EXAMPLE, memberId)).toMatchObject({ balance: 200, seq: 1, enrolled: true });
    });

    it('naming the member itself as its referrer is INVALID_ARGUMENT and enrols nobody', async () => {
      const memberId = uniq('m');
      const err = await failureOf(members.Enroll(enrollRequest(memberId, { referrer_member_id: memberId })));
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.details).toContain('referrer_member_id');
      expect(await codeOf(points.GetAccount({ tenant_id: EXAMPLE, member_id: memberId }))).toBe(grpc.status.NOT_FOUND);

      const referred = await members.Enroll(enrollRequest(uniq('m'), { referrer_member_id: memberId }));
      expect(referred).toMatchObject({ points: 200 });
    });

    it('the referrer earns 500 once, when the referred member’s first order of at least 50 yuan lands', async () => {
      const referrer = uniq('ref');
      const referred = uniq('new');
      await members.Enroll(enrollRequest(referrer));
      await members.Enroll(enrollRequest(referred, { referrer_member_id: referrer }));
      const referralEntries = async () => (await entriesOf(EXAMPLE, referrer)).filter((e) => e.type === 'ENTRY_TYPE_REFERRAL');

      // A 10-yuan first order earns points but is below the program's 50-yuan referral minimum.
      await earn(earnRequest(EXAMPLE, referred, 1_000));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await referralEntries(), 'no reward for an order below the minimum').toEqual([]);

      // The first qualifying order: the reward is delivered to the referrer's shard after the commit.
      await earn(earnRequest(EXAMPLE, referred, 10_000));
      await earn(earnRequest(EXAMPLE, referred, 10_000));
      let rewards: ProgramEntry[] = [];
      for (let i = 0; i < 50 && rewards.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        rewards = await referralEntries();
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      rewards = await referralEntries();
      expect(rewards.map((e) => ({ points: e.points, reason: e.reason }))).toEqual([{ points: 500, reason: `referral of ${referred}` }]);
      expect(rewards[0].breakdown).toEqual([{ rule_id: 'referral', points: 500 }]);
      expect(await accountOf(EXAMPLE, referrer)).toMatchObject({ balance: 700, lifetime_earned: 700 });
    });
  });

  describe('RecordActivity', () => {
    it('check_in earns once a local day: a second one the same day is FAILED_PRECONDITION', async () => {
      const memberId = uniq('m');
      const first = await members.RecordActivity(activityRequest(memberId, 'check_in'));
      expect(first).toMatchObject({ points: 5, balance: 5, streak: 1, breakdown: [{ rule_id: 'check_in', points: 5 }] });
      const second = await failureOf(members.RecordActivity(activityRequest(memberId, 'check_in')));
      expect(second.code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(await accountOf(EXAMPLE, memberId)).toMatchObject({ balance: 5, seq: 1 });
    });

    it('an activity the program does not define, or sign_up, is INVALID_ARGUMENT', async () => {
      const memberId = uniq('m');
      for (const activity of ['karaoke', 'sign_up']) {
        const err = await failureOf(members.RecordActivity(activityRequest(memberId, activity)));
        expect(err.code, activity).toBe(grpc.status.INVALID_ARGUMENT);
        expect(err.details, activity).toContain('activity');
      }
    });

    it('review earns once per target: the same order again is FAILED_PRECONDITION, no target is INVALID_ARGUMENT', async () => {
      const memberId = uniq('m');
      expect(await members.RecordActivity(activityRequest(memberId, 'review', 'order-1'))).toMatchObject({ points: 10, balance: 10 });
      const duplicate = await failureOf(members.RecordActivity(activityRequest(memberId, 'review', 'order-1')));
      expect(duplicate.code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(await members.RecordActivity(activityRequest(memberId, 'review', 'order-2'))).toMatchObject({ points: 10, balance: 20 });
      const untargeted = await failureOf(members.RecordActivity(activityRequest(memberId, 'review')));
      expect(untargeted.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(untargeted.details).toContain('target_id');
    });

    it('check-ins on seven consecutive local days earn the 7-day streak bonus on the seventh', async () => {
      const memberId = uniq('m');
      const now = Date.now();
      const streaks: number[] = [];
      for (let daysAgo = 6; daysAgo >= 0; daysAgo--) {
        const res = await members.RecordActivity(activityRequest(memberId, 'check_in', '', now - daysAgo * DAY_MS));
        streaks.push(res.streak);
        if (daysAgo === 0) {
          expect(res).toMatchObject({ points: 55, balance: 6 * 5 + 55 });
          expect(res.breakdown).toEqual([
            { rule_id: 'check_in', points: 5 },
            { rule_id: 'check_in:streak', points: 50 },
          ]);
        } else expect(res.points).toBe(5);
      }
      expect(streaks).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });
  });

  describe('with the clock moved (one ledger; the engine restarted with a larger JIFEN_CLOCK_OFFSET_MS)', () => {
    const EXPIRING = 'expiring-e2e';
    const TIERED = 'tiered-e2e';
    const DURABLE = 'durable-e2e';
    const ids = { expiring: uniq('m'), dropping: uniq('m'), keeping: uniq('m'), checking: uniq('m') };
    const before = {} as {
      startedMs: number;
      expiring: ProgramAccount;
      dropping: ProgramAccount;
      keeping: ProgramAccount;
      checkIn: ActivityResult;
    };

    // At the real clock: one lot that expires after 1 day, two members upgraded to a 1-month tier (one
    // of them refunded below its retain amount), and the first check-in of a 2-day streak.
    beforeAll(async () => {
      before.startedMs = Date.now();
      await admin.PutProgram({ tenant_id: EXPIRING, document: 'expiry: { kind: rolling, days: 1, notice_days: 0 }' });
      await earn(earnRequest(EXPIRING, ids.expiring, 12_300, before.startedMs));
      before.expiring = await accountOf(EXPIRING, ids.expiring);

      await admin.PutProgram({ tenant_id: TIERED, document: TIERED_DOCUMENT });
      const order = earnRequest(TIERED, ids.dropping, 100_000, before.startedMs);
      await earn(order);
      await points.Reverse({
        tenant_id: TIERED,
        member_id: ids.dropping,
        idempotency_key: uniq('rev'),
        order_id: order.order_id,
        amount_minor: 30_000,
      });
      before.dropping = await accountOf(TIERED, ids.dropping);
      await earn(earnRequest(TIERED, ids.keeping, 100_000, before.startedMs));
      before.keeping = await accountOf(TIERED, ids.keeping);

      await admin.PutProgram({ tenant_id: DURABLE, document: DURABLE_DOCUMENT, expected_version: 0 });
      before.checkIn = await members.RecordActivity(activityRequest(ids.checking, 'check_in', '', before.startedMs, DURABLE));
    });

    describe('one day on', () => {
      beforeAll(() => startWithClockOffset(DAY_MS));

      it('a program put before the restart is still the one in force after it', async () => {
        expect(await admin.GetProgram({ tenant_id: DURABLE })).toMatchObject({ version: 1, document: DURABLE_DOCUMENT });
        expect(await earn(earnRequest(DURABLE, uniq('m'), 10_000))).toMatchObject({ points: 300, program_version: 1 });
        // The unchanged programs directory installs no new version at start.
        expect(await admin.GetProgram({ tenant_id: EXAMPLE })).toMatchObject({ version: 1 });
      });

      it("the next local day's check-in continues the streak and earns the 2-day bonus", async () => {
        expect(before.checkIn).toMatchObject({ points: 5, streak: 1 });
        const res = await members.RecordActivity(activityRequest(ids.checking, 'check_in', '', before.startedMs + DAY_MS, DURABLE));
        expect(res).toMatchObject({ points: 25, balance: 30, streak: 2 });
        expect(res.breakdown).toEqual([
          { rule_id: 'check_in', points: 5 },
          { rule_id: 'check_in:streak', points: 20 },
        ]);
      });
    });

    describe('three days on', () => {
      beforeAll(() => startWithClockOffset(3 * DAY_MS));

      it('points past their rolling 1-day expiry leave in an EXPIRE entry written by housekeeping', async () => {
        expect(before.expiring).toMatchObject({ balance: 123 });
        expect(before.expiring.expiring.map((e) => ({ points: e.points, at: msOf(e.expires_at) }))).toEqual([
          { points: 123, at: shanghaiEndOfDayAfter(before.startedMs, 0, 1) },
        ]);

        const expiry = await eventually('an EXPIRE entry', async () =>
          (await entriesOf(EXPIRING, ids.expiring)).find((e) => e.type === 'ENTRY_TYPE_EXPIRE'),
        );
        expect(expiry).toMatchObject({ seq: 2, points: -123, balance_after: 0, reason: 'expiry' });
        const account = await accountOf(EXPIRING, ids.expiring);
        expect(account).toMatchObject({ balance: 0, pending: 0, lifetime_earned: 123, lots: [], expiring: [] });
      });
    });

    describe('forty days on', () => {
      beforeAll(() => startWithClockOffset(40 * DAY_MS));

      it('a 1-month tier reviewed below its retain amount drops back to the first level in a TIER entry', async () => {
        // 1,000 yuan reached plus; the refund of 300 leaves 70,000 < retain 80,000 but waits for the review.
        // Without the refund the review would retain: a 1-month validity is reviewed while the rolling
        // 12-month window still holds the spend that reached the level.
        expect(before.dropping).toMatchObject({ tier: 'plus', tier_progress: { metric: 70_000, next_tier: '', needed: 0 } });
        expect(msOf(before.dropping.tier_valid_until)).toBe(shanghaiEndOfDayAfter(before.startedMs, 1, 0));

        const review = await eventually('a TIER entry', async () =>
          (await entriesOf(TIERED, ids.dropping)).find((e) => e.type === 'ENTRY_TYPE_TIER'),
        );
        expect(review).toMatchObject({ points: 0, tier_after: 'member', reason: 'tier downgrade' });
        const account = await accountOf(TIERED, ids.dropping);
        expect(account).toMatchObject({ tier: 'member', tier_name: 'Member', tier_valid_until: null });
        expect(account.tier_progress).toEqual({ metric: 70_000, next_tier: 'plus', needed: 30_000 });
      });

      it('a member still at the retain amount keeps the tier for another month from the old review day', async () => {
        expect(before.keeping).toMatchObject({ tier: 'plus' });
        const review = await eventually('a TIER entry', async () =>
          (await entriesOf(TIERED, ids.keeping)).find((e) => e.type === 'ENTRY_TYPE_TIER'),
        );
        expect(review).toMatchObject({ points: 0, tier_after: 'plus', reason: 'tier retain' });
        const account = await accountOf(TIERED, ids.keeping);
        expect(account.tier).toBe('plus');
        const firstReview = shanghaiEndOfDayAfter(before.startedMs, 1, 0);
        expect(msOf(account.tier_valid_until)).toBe(shanghaiEndOfDayAfter(firstReview, 1, 0));
      });
    });
  });
});

/** Two levels, held one month each; plus needs 1,000 yuan and keeps with 800. */
const TIERED_DOCUMENT = `tiers:
  metric: spend
  validity_months: 1
  levels:
    - { id: member, name: Member, threshold: 0 }
    - { id: plus, name: Plus, threshold: 100000, retain: 80000, multiplier: 1.5 }
`;

/** 3 points per yuan and a check-in streak bonus every second day. */
const DURABLE_DOCUMENT = `base_rate: { points: 3, per_minor: 100 }
behaviours:
  - { activity: check_in, points: 5, streak: { days: 2, bonus_points: 20 } }
`;

function rateDocument(pointsPerYuan: number): string {
  return `name: admin e2e\nbase_rate: { points: ${pointsPerYuan}, per_minor: 100 }\n`;
}

function earnRequest(tenantId: string, memberId: string, amountMinor: number, occurredMs?: number): EarnRequest {
  return {
    tenant_id: tenantId,
    member_id: memberId,
    idempotency_key: uniq('earn'),
    order_id: uniq('order'),
    amount_minor: amountMinor,
    currency: 'CNY',
    channel: 'store',
    occurred_at: occurredMs === undefined ? null : timestampOf(occurredMs),
  };
}

function enrollRequest(memberId: string, extra: Partial<EnrollRequest> = {}): EnrollRequest {
  return { tenant_id: EXAMPLE, member_id: memberId, idempotency_key: uniq('enroll'), ...extra };
}

function activityRequest(memberId: string, activity: string, targetId = '', occurredMs?: number, tenantId = EXAMPLE): ActivityRequest {
  return {
    tenant_id: tenantId,
    member_id: memberId,
    idempotency_key: uniq('act'),
    activity,
    target_id: targetId,
    occurred_at: occurredMs === undefined ? null : timestampOf(occurredMs),
  };
}

/**
 * Noon in Shanghai of the latest of the last 6 days on which no campaign of example.yaml is on (not a
 * Wednesday, the 1st, 11-11, 06-18, nor Spring Festival 2026): recent enough that its 7-day return
 * window is still open, old enough to be in the past.
 */
function campaignFreeNoon(): number {
  for (let daysAgo = 1; daysAgo <= 6; daysAgo++) {
    const local = new Date(Date.now() + SHANGHAI_MS - daysAgo * DAY_MS);
    const date = local.toISOString().slice(0, 10);
    const monthDay = date.slice(5);
    const onCampaign =
      local.getUTCDay() === 3 ||
      local.getUTCDate() === 1 ||
      monthDay === '11-11' ||
      monthDay === '06-18' ||
      (date >= '2026-02-16' && date <= '2026-02-23');
    if (!onCampaign) return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 12) - SHANGHAI_MS;
  }
  throw new Error('no campaign-free day in the last 6 days: pick another worked order');
}

/** Last millisecond of the Shanghai day `months` months (clamped to the month's end) and `days` days after that of `ms`. */
function shanghaiEndOfDayAfter(ms: number, months: number, days: number): number {
  const local = new Date(ms + SHANGHAI_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(local.getUTCDate(), lastDay);
  return Date.UTC(year, month, day + days + 1) - SHANGHAI_MS - 1;
}

function timestampOf(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

// The fields the programs added to the shared client's messages (proto-loader decodes them all).

interface BreakdownLine {
  rule_id: string;
  points: number;
}

interface EarnResult {
  entry_id: string;
  points: number;
  balance: number;
  seq: number;
  breakdown: BreakdownLine[];
  pending: number;
  available_at: Timestamp | null;
  program_version: number;
}

interface ProgramAccount extends Account {
  pending: number;
  expiring: { points: number; expires_at: Timestamp | null }[];
  tier: string;
  tier_name: string;
  tier_valid_until: Timestamp | null;
  tier_progress: { metric: number; next_tier: string; needed: number };
  enrolled: boolean;
}

interface ProgramEntry extends Entry {
  program_version: number;
  breakdown: BreakdownLine[];
  tier_after: string;
}

// Enroll and RecordActivity: not in the shared PointsClient, so a small client of their own here.

interface EnrollRequest {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  birthday?: { month: number; day: number } | null;
  referrer_member_id?: string;
  channel?: string;
  occurred_at?: Timestamp | null;
}

interface ActivityRequest {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  activity: string;
  target_id?: string;
  occurred_at?: Timestamp | null;
}

interface EnrollResult {
  entry_id: string;
  points: number;
  balance: number;
  seq: number;
  breakdown: BreakdownLine[];
}

interface ActivityResult extends EnrollResult {
  streak: number;
}

interface MemberClient {
  Enroll(req: EnrollRequest): Promise<EnrollResult>;
  RecordActivity(req: ActivityRequest): Promise<ActivityResult>;
  close(): void;
}

function memberClient(address: string): MemberClient {
  return promisedClient<MemberClient>(pointsServiceChannel(address), ['Enroll', 'RecordActivity']);
}
