// Engine-internal commands (follow-ups, saga steps) must reach a decision: a refusal that says
// "not now" (isTransient: a full mailbox, a failed commit, shutting down) is tried again, any other answer is final.

import type { ShardOp } from '../actor/commands.js';
import { isTransient } from '../actor/rejections.js';
import type { OpResult } from '../actor/results.js';

export interface SubmitRoutes {
  submit(op: ShardOp): Promise<OpResult>;
  closing(): boolean;
}

/** Submits until the target decides (accepted, or refused for good); undefined once the engine is closing. */
export async function submitUntilDecided(
  routes: SubmitRoutes,
  op: ShardOp,
  retryMs: number,
  onRetry: () => void = () => {},
): Promise<OpResult | undefined> {
  for (;;) {
    if (routes.closing()) return undefined;
    const result = await routes.submit(op);
    if (result.ok || !isTransient(result.rejection)) return result;
    onRetry();
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}
