// The festival mix: what each scheduled send is (a paid order's Earn, a points-as-cash Hold, a
// check-in, a lottery draw, a flash-sale redemption), for which member, with which amounts, and
// what follows it (a capture or release after a hold, a refund after some earns, a client retry
// with the same key). Pure: the same (profile, seed, run id, index) always gives the same plan.
import { phases } from './curve.js';
import type { FestivalProfile } from './profile.js';
import { intIn, pick, streamFor } from './rng.js';
import { zipfSampler } from '../zipf.js';

export type Rpc = 'Earn' | 'Hold' | 'CaptureHold' | 'ReleaseHold' | 'RecordActivity' | 'DrawLottery' | 'RedeemReward' | 'Reverse';
export const WRITE_RPCS: readonly Rpc[] = [
  'Earn',
  'Hold',
  'CaptureHold',
  'ReleaseHold',
  'RecordActivity',
  'DrawLottery',
  'RedeemReward',
  'Reverse',
];

export type Msg = Record<string, unknown>;

export interface Call {
  rpc: Rpc;
  member: string;
  key: string;
  /** The request; calls that need `occurred_at` get it stamped once, at their first send. */
  request: Msg;
  stampOccurredAt: boolean;
}

export type FollowUp = { kind: 'capture' | 'release'; delayMs: number } | { kind: 'refund'; delayMs: number; portion: number };

export interface Plan {
  index: number;
  atMs: number;
  call: Call;
  /** A second send with the same key this long after the first, or null. */
  retryDelayMs: number | null;
  /** Sent after the call answers OK, or null. */
  followUp: FollowUp | null;
}

type Kind = keyof FestivalProfile['mix'];

export class Planner {
  private readonly allMembers: () => number;
  private readonly fundedMembers: () => number;
  private u = 0;
  private readonly kinds: Kind[];
  private readonly cumulative: number[];
  private readonly sale: { fromMs: number; toMs: number };

  constructor(
    private readonly p: FestivalProfile,
    private readonly runId: string,
  ) {
    // One CDF table each; the uniform variate comes from the send's own stream (this.u).
    this.allMembers = zipfSampler(p.members.count, p.members.zipfS, () => this.u);
    this.fundedMembers = zipfSampler(p.members.funded, p.members.zipfS, () => this.u);
    this.kinds = (Object.keys(p.mix) as Kind[]).filter((k) => p.mix[k] > 0);
    let sum = 0;
    this.cumulative = this.kinds.map((k) => (sum += p.mix[k]));
    const { midnightS } = phases(p.curve);
    this.sale = { fromMs: midnightS * 1000, toMs: (midnightS + p.flashSale.windowSeconds) * 1000 };
  }

  plan(index: number, atMs: number): Plan {
    const random = streamFor(this.p.seed, index);
    let kind = this.kindOf(random());
    if (kind === 'redeem' && (atMs < this.sale.fromMs || atMs >= this.sale.toMs)) kind = 'earn';
    const key = `fest-${this.runId}-${index}`;
    const call = this.callFor(kind, key, random);
    const retryDelayMs = random() < this.p.retry.share ? intIn(random, this.p.retry.delayMs[0], this.p.retry.delayMs[1]) : null;
    return { index, atMs, call, retryDelayMs, followUp: this.followUpFor(kind, random) };
  }

  /** The follow-up call once its parent answered OK with `response`. */
  followUpCall(parent: Call, f: FollowUp, response: Msg): Call {
    const base = { tenant_id: this.p.tenant, member_id: parent.member };
    if (f.kind === 'refund') {
      const amount = Math.max(1, Math.floor(Number(parent.request.amount_minor) * f.portion));
      const key = `${parent.key}-refund`;
      const request = { ...base, idempotency_key: key, order_id: parent.request.order_id, amount_minor: amount, reason: 'festival refund' };
      return { rpc: 'Reverse', member: parent.member, key, request, stampOccurredAt: false };
    }
    const rpc = f.kind === 'capture' ? 'CaptureHold' : 'ReleaseHold';
    const key = `${parent.key}-${f.kind}`;
    return {
      rpc,
      member: parent.member,
      key,
      request: { ...base, idempotency_key: key, hold_id: response.hold_id },
      stampOccurredAt: false,
    };
  }

  private kindOf(x: number): Kind {
    const target = x * this.cumulative[this.cumulative.length - 1];
    const i = this.cumulative.findIndex((c) => target < c);
    return this.kinds[i < 0 ? this.kinds.length - 1 : i];
  }

  private member(random: () => number, funded: boolean): string {
    this.u = random();
    return `${this.p.members.prefix}${funded ? this.fundedMembers() : this.allMembers()}`;
  }

  private callFor(kind: Kind, key: string, random: () => number): Call {
    const p = this.p;
    const funded = kind === 'hold' || kind === 'lottery' || kind === 'redeem';
    const member = this.member(random, funded);
    const base = { tenant_id: p.tenant, member_id: member, idempotency_key: key };
    const orderId = `o-${key}`;
    switch (kind) {
      case 'earn': {
        const items = Array.from({ length: intIn(random, p.earn.itemsMin, p.earn.itemsMax) }, () => ({
          sku: `SKU-${intIn(random, 1, 5000)}`,
          category: pick(random, p.earn.categories),
          amount_minor: intIn(random, p.earn.itemMinor[0], p.earn.itemMinor[1]),
          quantity: 1,
        }));
        const amount = items.reduce((s, i) => s + i.amount_minor, 0);
        const request = {
          ...base,
          order_id: orderId,
          amount_minor: amount,
          currency: 'CNY',
          items,
          channel: pick(random, p.earn.channels),
          store_id: 's1',
        };
        return { rpc: 'Earn', member, key, request, stampOccurredAt: true };
      }
      case 'hold': {
        const request = {
          ...base,
          points: intIn(random, p.hold.points[0], p.hold.points[1]),
          ttl_seconds: p.hold.ttlSeconds,
          order_id: orderId,
          order_amount_minor: intIn(random, p.hold.orderMinor[0], p.hold.orderMinor[1]),
        };
        return { rpc: 'Hold', member, key, request, stampOccurredAt: false };
      }
      case 'checkIn':
        return { rpc: 'RecordActivity', member, key, request: { ...base, activity: 'check_in' }, stampOccurredAt: true };
      case 'lottery':
        return { rpc: 'DrawLottery', member, key, request: { ...base, lottery_id: p.lottery.id }, stampOccurredAt: false };
      case 'redeem':
        return {
          rpc: 'RedeemReward',
          member,
          key,
          request: { ...base, reward_id: pick(random, p.flashSale.rewards).id, quantity: 1 },
          stampOccurredAt: false,
        };
    }
  }

  private followUpFor(kind: Kind, random: () => number): FollowUp | null {
    const p = this.p;
    if (kind === 'hold') {
      const delayMs = intIn(random, p.hold.delayMs[0], p.hold.delayMs[1]);
      return { kind: random() < p.hold.captureShare ? 'capture' : 'release', delayMs };
    }
    if (kind === 'earn' && random() < p.refund.share) {
      const portion = p.refund.portion[0] + random() * (p.refund.portion[1] - p.refund.portion[0]);
      return { kind: 'refund', delayMs: intIn(random, p.refund.delayMs[0], p.refund.delayMs[1]), portion };
    }
    return null;
  }
}
