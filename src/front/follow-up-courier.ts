// Delivers follow-ups (commands one member's entry owes another, e.g. a referral reward) from the
// shard that committed them to the shard of their target, and tells the origin to forget them once
// the target has decided. Delivery is at least once (again after a restart); the commands' keys make
// the effect once.

import type { FollowUp } from '../ledger/store.js';
import type { RedemptionSagas } from './redemption-saga.js';
import { type SubmitRoutes, submitUntilDecided } from './submit-until-decided.js';

const RETRY_MS = 1_000;

export interface CourierRoutes extends SubmitRoutes {
  complete(originShard: number, ids: number[]): Promise<void>;
}

export class FollowUpCourier {
  private inFlight = 0;

  constructor(
    private readonly routes: CourierRoutes,
    private readonly onOutcome: (outcome: 'delivered' | 'refused' | 'retry') => void = () => {},
    /** Redemption payments are saga steps: the stock actor settles after the buyer decides. */
    private readonly sagas?: RedemptionSagas,
  ) {}

  get pending(): number {
    return this.inFlight;
  }

  /** `resumed`: committed before a restart (a saga may have got further than its follow-up says). */
  deliver(originShard: number, followUps: FollowUp[], resumed = false): void {
    if (followUps.length === 0) return;
    this.inFlight += followUps.length;
    const deliverOne = (f: FollowUp) =>
      f.command.kind === 'redeemReward' && this.sagas ? this.sagas.run(f.command, resumed) : this.deliverOne(f);
    void Promise.all(followUps.map(deliverOne)).then(async (done) => {
      this.inFlight -= followUps.length;
      const ids = followUps.filter((_, i) => done[i]).map((f) => f.id);
      // While closing the origin may already be gone; what is not completed is delivered again at the next start.
      if (ids.length > 0 && !this.routes.closing()) await this.routes.complete(originShard, ids).catch(() => {});
    });
  }

  /** True once the target decided (applied, or refused for good); false if the engine is closing. */
  private async deliverOne(followUp: FollowUp): Promise<boolean> {
    const result = await submitUntilDecided(this.routes, followUp.command, RETRY_MS, () => this.onOutcome('retry'));
    if (!result) return false;
    this.onOutcome(result.ok ? 'delivered' : 'refused');
    return true;
  }
}
