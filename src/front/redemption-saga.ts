// Drives a redemption (or lottery draw) after its stock actor set units aside: the buyer pays, then
// the stock actor settles (sold, or back on sale). The reservation's follow-up is the saga log: it
// is committed with the reservation and completed only once the settlement is, so a restarted engine
// resumes every saga under way. One driver per saga (this process's courier), and the buyer is only
// asked to pay while the reservation is still open, so a unit is never both sold and returned.

import { type RedeemRewardCommand, type SettleReservationCommand, type ShardOp, engineKey } from '../actor/commands.js';
import type { Rejection } from '../actor/rejections.js';
import { reject } from '../actor/rejections.js';
import type { OpResult, StockView, WriteResult } from '../actor/results.js';
import type { ReservationOutcome } from '../actor/stock.js';
import { stockActorOf } from '../rules/rewards.js';
import { type SubmitRoutes, submitUntilDecided } from './submit-until-decided.js';

export type SagaOutcome = { ok: true; result: WriteResult } | { ok: false; rejection: Rejection };

export type SagaRoutes = SubmitRoutes;

const RETRY_MS = 200;

export class RedemptionSagas {
  private readonly waiters = new Map<string, ((outcome: SagaOutcome) => void)[]>();
  private running = 0;

  constructor(
    private readonly routes: SagaRoutes,
    private readonly onSettled: (outcome: 'sold' | 'cancelled' | 'resumed' | 'resumed_settled') => void = () => {},
    private readonly onRunning: (running: number) => void = () => {},
  ) {}

  /** Sagas under way in this process. */
  get inFlight(): number {
    return this.running;
  }

  /**
   * Runs the payment and the settlement. `resumed`: delivered again after a restart, so the
   * reservation may already be settled (then nothing is asked of the buyer). True once settled;
   * false when the engine is closing (the saga resumes at the next start).
   */
  async run(cmd: RedeemRewardCommand, resumed: boolean): Promise<boolean> {
    this.onRunning(++this.running);
    try {
      return await this.runSteps(cmd, resumed);
    } finally {
      this.onRunning(--this.running);
    }
  }

  /**
   * The outcome of a redemption whose reservation the caller just saw: waits for the saga while it
   * is under way. A retried request (its reservation made earlier) may find it long settled; then
   * the answer comes from the stock actor's record and the buyer's entry.
   */
  async outcome(cmd: RedeemRewardCommand, replayed: boolean): Promise<SagaOutcome> {
    const key = waiterKey(cmd.tenantId, cmd.redemptionId);
    const waiting = new Promise<SagaOutcome>((resolve) => {
      const list = this.waiters.get(key) ?? [];
      list.push(resolve);
      this.waiters.set(key, list);
    });
    if (!replayed) return waiting;
    const view = await this.routes.submit(stockQuery(cmd));
    if (!view.ok) {
      this.resolve(key, { ok: false, rejection: view.rejection });
      return waiting;
    }
    const { reservation } = view.value as StockView;
    if (reservation.state !== 'open') this.resolve(key, await this.answerFromRecord(cmd, reservation));
    return waiting;
  }

  /** Wakes every caller waiting on a saga when the engine stops. */
  abandonAll(): void {
    for (const key of [...this.waiters.keys()]) this.resolve(key, { ok: false, rejection: reject.shuttingDown() });
  }

  private async runSteps(cmd: RedeemRewardCommand, resumed: boolean): Promise<boolean> {
    const key = waiterKey(cmd.tenantId, cmd.redemptionId);
    if (resumed) {
      this.onSettled('resumed');
      const view = await this.step(stockQuery(cmd));
      if (!view) return false;
      const reservation = view.ok ? (view.value as StockView).reservation : undefined;
      if (reservation && reservation.state !== 'open') {
        this.onSettled('resumed_settled');
        this.resolve(key, await this.answerFromRecord(cmd, reservation));
        return true;
      }
    }
    const paid = await this.step(cmd);
    if (!paid) return false;
    const settle: SettleReservationCommand = {
      kind: 'settleReservation',
      tenantId: cmd.tenantId,
      memberId: stockActorOf(cmd.reward.rewardId),
      idempotencyKey: engineKey(`settle:${cmd.redemptionId}`),
      redemptionId: cmd.redemptionId,
      refusal: paid.ok ? undefined : { kind: paid.rejection.kind, message: paid.rejection.message },
      memberEntryId: paid.ok ? (paid.value as WriteResult).entryId : '',
    };
    const settled = await this.step(settle);
    if (!settled) return false;
    if (!settled.ok) console.error(`jifen: settling redemption ${cmd.redemptionId} refused: ${settled.rejection.message}`);
    this.onSettled(paid.ok ? 'sold' : 'cancelled');
    this.resolve(key, paid.ok ? { ok: true, result: paid.value as WriteResult } : { ok: false, rejection: paid.rejection });
    return true;
  }

  private step(op: ShardOp): Promise<OpResult | undefined> {
    return submitUntilDecided(this.routes, op, RETRY_MS);
  }

  /**
   * A settled saga's answer. Sold: the buyer's entry exists, so resubmitting its command answers
   * from that entry (nothing new is decided). Forgotten by the stock actor (long ago): only a buyer
   * that still lists the order paid.
   */
  private async answerFromRecord(cmd: RedeemRewardCommand, reservation: ReservationOutcome): Promise<SagaOutcome> {
    if (reservation.state === 'cancelled') return { ok: false, rejection: reservation.refusal as Rejection };
    if (reservation.state !== 'sold') {
      const list = await this.routes.submit({ kind: 'redemptions', tenantId: cmd.tenantId, memberId: cmd.memberId });
      const paid = list.ok && 'orders' in list.value && list.value.orders.some((o) => o.redemptionId === cmd.redemptionId);
      if (!paid) return { ok: false, rejection: reject.rewardRefused(`redemption ${cmd.redemptionId} was not completed`) };
    }
    const replay = await this.routes.submit(cmd);
    return replay.ok ? { ok: true, result: replay.value as WriteResult } : { ok: false, rejection: replay.rejection };
  }

  private resolve(key: string, outcome: SagaOutcome): void {
    const list = this.waiters.get(key);
    if (!list) return;
    this.waiters.delete(key);
    for (const wake of list) wake(outcome);
  }
}

function waiterKey(tenantId: string, redemptionId: string): string {
  return `${tenantId}\u0000${redemptionId}`;
}

function stockQuery(cmd: RedeemRewardCommand): ShardOp {
  return { kind: 'stock', tenantId: cmd.tenantId, memberId: stockActorOf(cmd.reward.rewardId), redemptionId: cmd.redemptionId };
}
