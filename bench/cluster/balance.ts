// How evenly rendezvous hashing spreads the 256 ownership groups (16 slots each) over N nodes
// (src/cluster/rendezvous.ts, node ids engine-0 … engine-(N−1)): the busiest node's share against the
// even one sizes a cluster, since every node must carry its own groups' load. For deploy/README.md.
//
//   npx tsx bench/cluster/balance.ts [--nodes 3,8,16,24,32,48,64] [--group-size 16]   (1: one slot per group)
import { parseArgs } from 'node:util';
import { assignSlots } from '../../src/cluster/rendezvous.js';
import { DEFAULT_GROUP_SIZE, SLOT_COUNT } from '../../src/cluster/slots.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '3,4,8,12,16,24,32,48,64' },
    'group-size': { type: 'string', default: String(DEFAULT_GROUP_SIZE) },
  },
});
const groupSize = Number(values['group-size']);
console.log('| nodes | groups per node, min–max | busiest / even share |');
console.log('|---:|---|---:|');
for (const n of values.nodes.split(',').map(Number)) {
  const owners = assignSlots(
    Array.from({ length: n }, (_, i) => `engine-${i}`),
    groupSize,
  );
  const slots = new Map<string, number>();
  for (const owner of owners) if (owner) slots.set(owner, (slots.get(owner) ?? 0) + 1);
  const groups = [...slots.values()].map((s) => s / groupSize);
  while (groups.length < n) groups.push(0);
  const even = SLOT_COUNT / groupSize / n;
  console.log(`| ${n} | ${Math.min(...groups)}–${Math.max(...groups)} | ${(Math.max(...groups) / even).toFixed(2)}× |`);
}
