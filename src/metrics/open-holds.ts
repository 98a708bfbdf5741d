// Checkout holds open per tenant, from the published hold events: a hold joins when its points_held
// event arrives and leaves with its hold_captured or hold_released one (housekeeping releases lapsed
// holds with the same event). Holds opened before this process started are not known: the count is
// exact once the longest hold has lapsed after a start (a program's max_hold_minutes, 30 by default).

import { Gauge, type Registry } from 'prom-client';

/** The longest hold a program allows (7 days): a hold known longer than that missed its settling event. */
const LONGEST_HOLD_MS = 7 * 24 * 3_600_000;
/** Holds tracked at most, all tenants together; beyond it new holds are not counted. */
const MAX_TRACKED = 1_000_000;

export class OpenHolds {
  /** tenant → hold id → when its opening was learned. */
  private readonly holds = new Map<string, Map<string, number>>();
  private tracked = 0;

  constructor(
    registry: Registry,
    private readonly now: () => number = Date.now,
  ) {
    const open = this;
    new Gauge({
      name: 'jifen_holds_open',
      help: 'Checkout holds open per tenant (opened and not yet captured or released), counted since the process started',
      labelNames: ['tenant'] as const,
      registers: [registry],
      collect() {
        open.forgetOverdue();
        for (const [tenant, holds] of open.holds) this.set({ tenant }, holds.size);
      },
    });
  }

  opened(tenant: string, holdId: string): void {
    if (this.tracked >= MAX_TRACKED) return;
    let holds = this.holds.get(tenant);
    if (!holds) {
      holds = new Map();
      this.holds.set(tenant, holds);
    }
    if (!holds.has(holdId)) this.tracked++;
    holds.set(holdId, this.now());
  }

  /** Captured or released; a hold opened before this process started is not known and ignored. */
  settled(tenant: string, holdId: string): void {
    if (this.holds.get(tenant)?.delete(holdId)) this.tracked--;
  }

  openCount(tenant: string): number {
    return this.holds.get(tenant)?.size ?? 0;
  }

  /** A hold whose settling event came first (or never) must not be counted open forever. */
  private forgetOverdue(): void {
    const oldest = this.now() - LONGEST_HOLD_MS;
    for (const holds of this.holds.values()) {
      for (const [holdId, at] of holds) {
        if (at < oldest) {
          holds.delete(holdId);
          this.tracked--;
        }
      }
    }
  }
}
