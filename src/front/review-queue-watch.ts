// Counts each tenant's review queue for the metrics (open flags, the oldest one's time): the queue
// actor of every tenant with a program is listed page by page, as ListFlagged does. The metrics ask
// for a count when scraped (at most every few seconds); a long queue costs a query per page, so
// counting stops at MAX_PAGES pages.

import type { ShardOp } from '../actor/commands.js';
import type { OpResult } from '../actor/results.js';
import { type FlaggedPage, type ListFlaggedQuery, REVIEW_QUEUE_MEMBER } from '../actor/risk/review-commands.js';

const PAGE = 1_000;
/** A queue longer than PAGE × MAX_PAGES (20 000 flags) is reported at that depth. */
const MAX_PAGES = 20;

export interface ReviewQueueCount {
  depth: number;
  /** flaggedAt of the oldest open flag; undefined when none is open. */
  oldestAt: number | undefined;
}

export class ReviewQueueWatch {
  constructor(
    private readonly engine: { submit(op: ShardOp): Promise<OpResult> },
    private readonly tenants: () => string[],
    private readonly record: (tenantId: string, count: ReviewQueueCount) => void,
  ) {}

  async countAll(): Promise<void> {
    for (const tenantId of this.tenants()) {
      const count = await this.count(tenantId);
      if (count) this.record(tenantId, count);
    }
  }

  /** The tenant's queue, or undefined when a page was refused (shutting down, overloaded): kept as last counted. */
  private async count(tenantId: string): Promise<ReviewQueueCount | undefined> {
    let depth = 0;
    let oldestAt: number | undefined;
    let afterSeq = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await this.engine.submit(pageQuery(tenantId, afterSeq));
      if (!result.ok) return undefined;
      const { flags, nextAfterSeq } = result.value as FlaggedPage;
      depth += flags.length;
      for (const flag of flags) if (oldestAt === undefined || flag.flaggedAt < oldestAt) oldestAt = flag.flaggedAt;
      if (nextAfterSeq === 0) break;
      afterSeq = nextAfterSeq;
    }
    return { depth, oldestAt };
  }
}

function pageQuery(tenantId: string, afterSeq: number): ListFlaggedQuery {
  return { kind: 'listFlagged', tenantId, memberId: REVIEW_QUEUE_MEMBER, rule: '', from: 0, to: 0, flagId: '', afterSeq, limit: PAGE };
}
