// Before the festival: funds the members that hold, draw and redeem (Adjust in SubmitBatch), puts
// the flash-sale rewards on sale from midnight and the lottery in the catalog. Idempotent keys carry
// the run id, so a rerun against the same node funds again instead of replaying.
import { type Clients, expectOk, type Msg } from './client.js';
import type { FestivalProfile } from './profile.js';

const BATCH = 1000;
const IN_FLIGHT = 4;

export async function fundMembers(clients: Clients, p: FestivalProfile, runId: string): Promise<number> {
  let next = 1;
  const worker = async () => {
    while (next <= p.members.funded) {
      const from = next;
      const to = Math.min(p.members.funded, from + BATCH - 1);
      next = to + 1;
      const commands: Msg[] = [];
      for (let i = from; i <= to; i++) {
        const member = `${p.members.prefix}${i}`;
        const adjust = {
          tenant_id: p.tenant,
          member_id: member,
          idempotency_key: `fund-${runId}-${member}`,
          points: p.members.fundedPoints,
        };
        commands.push({ adjust: { ...adjust, reason: 'festival bench funding', operator: 'bench' } });
      }
      const res = expectOk('funding members', await clients.call('SubmitBatch', { commands }, 60_000));
      const failed = (res.results as Msg[]).filter((r) => r.result !== 'adjust');
      if (failed.length)
        throw new Error(`festival: funding ${from}..${to}: ${failed.length} failed, first ${JSON.stringify(failed[0].error)}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return p.members.funded;
}

/** The flash-sale rewards, on sale from `saleFromEpochMs`, and the lottery. */
export async function putCatalog(clients: Clients, p: FestivalProfile, saleFromEpochMs: number): Promise<void> {
  for (const r of p.flashSale.rewards) {
    const reward = {
      reward_id: r.id,
      name: `双11 秒杀 ${r.id}`,
      kind: 'REWARD_KIND_COUPON',
      points: r.points,
      stock: r.stock,
      available_from: timestamp(saleFromEpochMs),
    };
    expectOk(`PutReward ${r.id}`, await clients.admin('PutReward', { tenant_id: p.tenant, reward }));
  }
  const l = p.lottery;
  const fallback = l.prizes.find((x) => x.kind === 'PRIZE_KIND_NONE') ?? l.prizes[l.prizes.length - 1];
  const prizes = l.prizes.map((x) => ({
    prize_id: x.id,
    name: x.id,
    kind: x.kind,
    weight: x.weight,
    stock: x.stock,
    points: x.points ?? 0,
  }));
  const lottery = {
    reward_id: l.id,
    name: '双11 抽奖',
    kind: 'REWARD_KIND_LOTTERY',
    points: l.cost,
    prizes,
    fallback_prize_id: fallback.id,
  };
  expectOk(`PutReward ${l.id}`, await clients.admin('PutReward', { tenant_id: p.tenant, reward: lottery }));
}

function timestamp(ms: number) {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}
