// The correctness pass after the load, through the engine's public gRPC API only: every member a
// generator sent a write for is read back (ListEntries to the last page, GetAccount, and
// ListRedemptions for those that drew or redeemed), the catalog with ListRewards, and checks.ts
// decides. The funded members are read too: their funding is part of what was issued.
import type { Clients, Msg } from './client.js';
import {
  type CatalogReward,
  type ConservationCheck,
  checkConservation,
  checkStock,
  checkWrites,
  type MemberLedger,
  type StockLine,
  type WritesCheck,
} from './checks.js';
import type { WriteOutcome } from './generator.js';
import type { FestivalProfile } from './profile.js';

export interface CorrectnessReport {
  /** Waited for the engine to settle after the load (sagas and queued commands done), and whether it did. */
  settle: { seconds: number; settled: boolean };
  seconds: number;
  membersRead: number;
  writes: WritesCheck;
  conservation: ConservationCheck;
  stock: StockLine[];
  /** The engine's own audit of the tenant (AdminService.AuditLedger): every member's ledger replayed, the roll-forward tied out. */
  audit: LedgerAudit;
  ok: boolean;
}

export type LedgerAudit =
  | { ran: true; ok: boolean; checked: number; mismatchCounts: Record<string, number>; firstMismatches: string[] }
  | { ran: false; why: string };

export async function correctnessPass(
  clients: Clients,
  p: FestivalProfile,
  runId: string,
  writes: WriteOutcome[],
  members: string[],
): Promise<CorrectnessReport> {
  const settle = await waitUntilSettled(clients, p);
  const started = Date.now();
  const redeemers = new Set(writes.filter(([rpc]) => rpc === 'RedeemReward' || rpc === 'DrawLottery').map(([, m]) => m));
  const all = new Set(members);
  for (let i = 1; i <= p.members.funded; i++) all.add(`${p.members.prefix}${i}`);
  const ledgers = await readLedgers(clients, p.tenant, [...all], redeemers, p.verify.concurrency);
  const catalog = (await retried(clients, 'ListRewards', { tenant_id: p.tenant }, true)).rewards as CatalogReward[];
  const writesCheck = checkWrites(writes, ledgers, `fest-${runId}-`);
  const conservation = checkConservation(ledgers.values());
  const stock = checkStock(
    p.flashSale.rewards.map((r) => r.id),
    p.lottery.id,
    catalog,
    ledgers.values(),
    writes,
  );
  const audit = await auditLedger(clients, p.tenant);
  return {
    settle,
    seconds: (Date.now() - started) / 1000,
    membersRead: ledgers.size,
    writes: writesCheck,
    conservation,
    stock,
    audit,
    ok: writesCheck.ok && conservation.ok && stock.every((s) => s.ok) && (!audit.ran || audit.ok),
  };
}

const SETTLE_POLL_MS = 1000;
const SETTLE_STABLE_POLLS = 3;
const SETTLE_MAX_MS = 120_000;
const HOT_MEMBERS = 5;

/**
 * After an overload, calls whose clients gave up may still be queued and redemption sagas under way:
 * the check waits until the catalog's counts and the hottest members' seq stay unchanged for
 * SETTLE_STABLE_POLLS polls in a row (or SETTLE_MAX_MS, reported as not settled).
 */
async function waitUntilSettled(clients: Clients, p: FestivalProfile): Promise<CorrectnessReport['settle']> {
  const started = Date.now();
  let last = '';
  let stable = 0;
  while (Date.now() - started < SETTLE_MAX_MS) {
    const catalog = (await retried(clients, 'ListRewards', { tenant_id: p.tenant }, true)).rewards as Msg[];
    const seqs = await Promise.all(
      Array.from(
        { length: HOT_MEMBERS },
        async (_, i) =>
          (await retried(clients, 'GetAccount', { tenant_id: p.tenant, member_id: `${p.members.prefix}${i + 1}` })).account?.seq,
      ),
    );
    const now = JSON.stringify([
      catalog.map((r) => [r.reward_id, r.units_sold, r.units_left, (r.prizes ?? []).map((x: Msg) => x.units_left)]),
      seqs,
    ]);
    stable = now === last ? stable + 1 : 0;
    last = now;
    if (stable >= SETTLE_STABLE_POLLS - 1) return { seconds: (Date.now() - started) / 1000, settled: true };
    await new Promise((r) => setTimeout(r, SETTLE_POLL_MS));
  }
  return { seconds: (Date.now() - started) / 1000, settled: false };
}

async function readLedgers(
  clients: Clients,
  tenant: string,
  members: string[],
  redeemers: Set<string>,
  concurrency: number,
): Promise<Map<string, MemberLedger>> {
  const ledgers = new Map<string, MemberLedger>();
  let next = 0;
  const worker = async () => {
    while (next < members.length) {
      const member = members[next++];
      const entries: MemberLedger['entries'] = [];
      // A member every write of which was refused or lost has no account: an empty ledger.
      if (!(await hasAccount(clients, tenant, member))) {
        ledgers.set(member, { member, entries, available: 0, pending: 0, held: 0, redemptions: [] });
        continue;
      }
      let page_token = '';
      do {
        const page = await retried(clients, 'ListEntries', { tenant_id: tenant, member_id: member, page_size: 1000, page_token });
        entries.push(...page.entries);
        page_token = page.next_page_token;
      } while (page_token);
      const account = (await retried(clients, 'GetAccount', { tenant_id: tenant, member_id: member })).account;
      const redemptions = redeemers.has(member)
        ? (await retried(clients, 'ListRedemptions', { tenant_id: tenant, member_id: member })).redemptions
        : [];
      const [available, pending, held] = [account?.balance, account?.pending, account?.held].map((x) => Number(x ?? 0));
      ledgers.set(member, { member, entries, available, pending, held, redemptions });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ledgers;
}

async function hasAccount(clients: Clients, tenant: string, member: string): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const a = await clients.call('GetAccount', { tenant_id: tenant, member_id: member }, 30_000);
    if (a.status === 'OK') return true;
    if (a.status === 'NOT_FOUND') return false;
    if (attempt >= 5) throw new Error(`festival correctness pass: GetAccount ${member}: ${a.status} ${a.details ?? ''}`);
    await new Promise((r) => setTimeout(r, 200 * attempt));
  }
}

/** A read, asked again a few times when the node is briefly unavailable. */
/** AuditLedger of the tenant; not run (and said why) when the key's role may not call it or the engine has no such call. */
async function auditLedger(clients: Clients, tenantId: string): Promise<LedgerAudit> {
  const a = await clients.admin('AuditLedger', { tenant_id: tenantId, max_mismatches: 20 }, 600_000);
  if (a.status === 'PERMISSION_DENIED' || a.status === 'UNIMPLEMENTED') return { ran: false, why: `${a.status} ${a.details ?? ''}`.trim() };
  if (a.status !== 'OK') throw new Error(`festival correctness pass: AuditLedger: ${a.status} ${a.details ?? ''}`);
  const r = a.response ?? {};
  const mismatches = (r.mismatches as { kind: string; member_id: string; message: string }[] | undefined) ?? [];
  return {
    ran: true,
    ok: r.ok === true,
    checked: Number(r.checked ?? 0),
    mismatchCounts: Object.fromEntries(
      Object.entries((r.mismatch_counts as Record<string, number> | undefined) ?? {}).map(([k, v]) => [k, Number(v)]),
    ),
    firstMismatches: mismatches.slice(0, 5).map((m) => `${m.kind} ${m.member_id}: ${m.message}`),
  };
}

async function retried(clients: Clients, rpc: string, request: Msg, admin = false): Promise<Msg> {
  for (let attempt = 1; ; attempt++) {
    const a = admin ? await clients.admin(rpc, request) : await clients.call(rpc, request, 30_000);
    if (a.status === 'OK') return a.response ?? {};
    if (attempt >= 5 || (a.status !== 'UNAVAILABLE' && a.status !== 'DEADLINE_EXCEEDED' && a.status !== 'RESOURCE_EXHAUSTED'))
      throw new Error(`festival correctness pass: ${rpc} ${JSON.stringify(request)}: ${a.status} ${a.details ?? ''}`);
    await new Promise((r) => setTimeout(r, 200 * attempt));
  }
}
