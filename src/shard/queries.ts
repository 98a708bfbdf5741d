// Answers a batch's reads of member state: one answer per query kind, from the member's in-memory
// state; listEntries alone reads the ledger, after the commit, so it sees the batch's own writes.

import type { AuditMemberQuery, ListEntriesQuery, Query, ShardOp } from '../actor/commands.js';
import { reject } from '../actor/rejections.js';
import { listFlaggedOf } from '../actor/risk/review.js';
import { type OpResult, accountViewOf, entryViewOf, quoteOf, redemptionListOf, stockViewOf } from '../actor/results.js';
import { type MemberState, memberExists } from '../actor/state.js';
import type { LedgerStore } from '../ledger/store.js';
import { type ActorCache, actorKey } from './actor-cache.js';
import type { ProgramBook } from './program-book.js';

/** The queries answered while the batch is decided, in arrival order among its writes. */
type StateQuery = Exclude<Query, ListEntriesQuery | AuditMemberQuery>;

type Answer<Q extends StateQuery> = (query: Q, state: MemberState, programs: ProgramBook, now: number) => OpResult;

const ANSWERS: { [K in StateQuery['kind']]: Answer<Extract<StateQuery, { kind: K }>> } = {
  getAccount: (query, state, programs, now) =>
    memberExists(state)
      ? { ok: true, value: accountViewOf(state, programs.programFor(query.tenantId), now) }
      : { ok: false, rejection: reject.memberNotFound(query.tenantId, query.memberId) },
  quote: (query, state, programs, now) => ({
    ok: true,
    value: quoteOf(state, programs.programFor(query.tenantId), query.orderAmountMinor, now),
  }),
  stock: (query, state) => ({ ok: true, value: stockViewOf(state, query.redemptionId) }),
  redemptions: (_query, state) => ({ ok: true, value: redemptionListOf(state) }),
  listFlagged: (query, state) => ({ ok: true, value: listFlaggedOf(state, query) }),
};

/** The answer to a query from the member's state as the batch has it so far; undefined for listEntries. */
export function answerQuery(query: Query, state: MemberState, programs: ProgramBook, now: number): OpResult | undefined {
  // answered after the commit, so they see this batch's writes
  if (query.kind === 'listEntries' || query.kind === 'auditMember') return undefined;
  return (ANSWERS[query.kind] as Answer<StateQuery>)(query, state, programs, now);
}

/** Answers the batch's listEntries queries from the ledger, once its entries are committed. */
export async function answerListQueries(ops: ShardOp[], results: OpResult[], actors: ActorCache, store: LedgerStore): Promise<void> {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op.kind !== 'listEntries') continue;
    const actor = actors.peek(actorKey(op.tenantId, op.memberId));
    if (!actor || !memberExists(actor.state)) {
      results[i] = { ok: false, rejection: reject.memberNotFound(op.tenantId, op.memberId) };
      continue;
    }
    const page = await store.listEntries(op, op.afterSeq, op.limit + 1);
    const more = page.length > op.limit;
    const shown = more ? page.slice(0, op.limit) : page;
    results[i] = {
      ok: true,
      value: { entries: shown.map(entryViewOf), nextAfterSeq: more ? shown[shown.length - 1].seq : 0 },
    };
  }
}
