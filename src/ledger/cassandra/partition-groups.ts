// Statements grouped by the partition they write, so each group goes as one unlogged batch (atomic
// and isolated on each replica); the entry groups serve commits, rollbacks and recovery alike.

import { type Statement, deleteEntryOf } from './cql.js';
import { entryBucketOf } from './layout.js';
import { memberKey } from './writer-knowledge.js';

export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Entry statements grouped per partition (member, bucket): one unlogged batch each. */
export function entryGroups<T extends { tenantId: string; memberId: string; seq: number }>(
  rows: T[],
  statementOf: (row: T) => Statement,
): Statement[][] {
  return [...groupBy(rows, (e) => `${memberKey(e.tenantId, e.memberId)}\u0000${entryBucketOf(e.seq)}`).values()].map((inPartition) =>
    inPartition.map(statementOf),
  );
}

export function entryDeleteGroups(refs: { tenantId: string; memberId: string; seq: number }[]): Statement[][] {
  return entryGroups(refs, deleteEntryOf);
}
