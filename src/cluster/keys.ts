// Where the cluster keeps its state in etcd, and how a key-value pair reads back. Under one prefix:
//   <prefix>nodes/<node id>   {"node","address"}  under the node's lease: the node is live while it exists
//   <prefix>slots/<0000-4095> {"node","address"}  under the owner's lease; create revision = the epoch
// Both die with the lease, in one revision, so a dead node's slots and its membership vanish together.

export const DEFAULT_PREFIX = '/jifen/cluster/';

/** Node ids are key segments and metric labels: short, printable, no slash. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function nodeKey(prefix: string, node: string): string {
  return `${prefix}nodes/${node}`;
}

export function slotKey(prefix: string, slot: number): string {
  return `${prefix}slots/${String(slot).padStart(4, '0')}`;
}

export function nodesPrefix(prefix: string): string {
  return `${prefix}nodes/`;
}

export function slotsPrefix(prefix: string): string {
  return `${prefix}slots/`;
}

/** What a node writes into its node key and its slot keys. */
export interface Holder {
  node: string;
  /** host:port its peers and clients reach it at. */
  address: string;
}

export function encodeHolder(holder: Holder): string {
  return JSON.stringify({ node: holder.node, address: holder.address });
}

/** One key under the prefix as etcd returns it (range or watch), revisions and lease as etcd's decimal strings. */
export interface StoredKey {
  key: string;
  value: string;
  createRevision: string;
  modRevision: string;
  lease: string;
}

export type DecodedKey =
  | { kind: 'node'; node: string; holder: Holder; lease: string; revision: number }
  | { kind: 'slot'; slot: number; holder: Holder; epoch: number; lease: string; revision: number };

/**
 * A stored key as a node or slot record; undefined for anything else under the prefix (a future key
 * kind, or a value this version cannot read), which readers skip rather than fail on.
 */
export function decodeKey(prefix: string, stored: StoredKey): DecodedKey | undefined {
  const target = parseKey(prefix, stored.key);
  const holder = parseHolder(stored.value);
  if (target === undefined || holder === undefined) return undefined;
  const revision = Number(stored.modRevision);
  if (target.kind === 'node') return { kind: 'node', node: target.node, holder, lease: stored.lease, revision };
  return { kind: 'slot', slot: target.slot, holder, epoch: Number(stored.createRevision), lease: stored.lease, revision };
}

/** Which node or slot a key names, or undefined when it is neither. */
export function parseKey(prefix: string, key: string): { kind: 'node'; node: string } | { kind: 'slot'; slot: number } | undefined {
  if (key.startsWith(nodesPrefix(prefix))) {
    const node = key.slice(nodesPrefix(prefix).length);
    return NODE_ID_PATTERN.test(node) ? { kind: 'node', node } : undefined;
  }
  if (key.startsWith(slotsPrefix(prefix))) {
    const digits = key.slice(slotsPrefix(prefix).length);
    if (!/^\d{4}$/.test(digits)) return undefined;
    return { kind: 'slot', slot: Number(digits) };
  }
  return undefined;
}

function parseHolder(value: string): Holder | undefined {
  try {
    const parsed = JSON.parse(value) as Partial<Holder>;
    if (typeof parsed.node !== 'string' || typeof parsed.address !== 'string') return undefined;
    return { node: parsed.node, address: parsed.address };
  } catch {
    return undefined;
  }
}
