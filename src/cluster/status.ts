// The cluster as `npm run cluster -- status` shows it: live nodes, how many slots each holds, the
// range of their epochs, and slots without an owner, read once from etcd.

import type { Etcd3 } from 'etcd3';
import { DEFAULT_PREFIX } from './keys.js';
import { loadSnapshot } from './map-watch.js';
import { SlotMap } from './slot-map.js';
import { SLOT_COUNT } from './slots.js';

export interface NodeStatus {
  node: string;
  /** Undefined for an owner whose node key is gone (its lease is being revoked as we read). */
  address: string | undefined;
  lease: string | undefined;
  slots: number;
  minEpoch: number | undefined;
  maxEpoch: number | undefined;
}

export interface ClusterStatus {
  /** etcd revision the status was read at. */
  revision: number;
  nodes: NodeStatus[];
  unownedSlots: number;
}

export async function readClusterStatus(client: Etcd3, prefix = DEFAULT_PREFIX): Promise<ClusterStatus> {
  const map = new SlotMap();
  const revision = await loadSnapshot(client, prefix, map);
  return { revision, ...summarizeMap(map) };
}

/** Per node (live or still owning slots) its slot count and epoch range, sorted by node id. */
export function summarizeMap(map: SlotMap): Omit<ClusterStatus, 'revision'> {
  const byNode = new Map<string, NodeStatus>();
  const statusOf = (node: string): NodeStatus => {
    let status = byNode.get(node);
    if (status === undefined) {
      const info = map.nodeInfo(node);
      status = { node, address: info?.address, lease: info?.lease, slots: 0, minEpoch: undefined, maxEpoch: undefined };
      byNode.set(node, status);
    }
    return status;
  };
  for (const node of map.liveNodes()) statusOf(node);
  let unownedSlots = 0;
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const owner = map.ownerOf(slot);
    if (owner === undefined) {
      unownedSlots++;
      continue;
    }
    const status = statusOf(owner.node);
    status.slots++;
    status.minEpoch = Math.min(status.minEpoch ?? owner.epoch, owner.epoch);
    status.maxEpoch = Math.max(status.maxEpoch ?? owner.epoch, owner.epoch);
  }
  return { nodes: [...byNode.values()].sort((a, b) => (a.node < b.node ? -1 : 1)), unownedSlots };
}

/** The status as a small table for a terminal. */
export function formatStatus(status: ClusterStatus): string {
  const rows = status.nodes.map((n) =>
    [n.node, n.address ?? '(gone)', String(n.slots), n.minEpoch === undefined ? '-' : `${n.minEpoch}..${n.maxEpoch}`, n.lease ?? '-'].join(
      '\t',
    ),
  );
  return [
    `etcd revision ${status.revision}: ${status.nodes.length} node(s), ${SLOT_COUNT - status.unownedSlots}/${SLOT_COUNT} slots owned, ${status.unownedSlots} unowned`,
    ['node', 'address', 'slots', 'epochs', 'lease'].join('\t'),
    ...rows,
  ].join('\n');
}
