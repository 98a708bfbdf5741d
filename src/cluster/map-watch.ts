// Keeps a SlotMap equal to what etcd holds under the cluster prefix: one snapshot read, then one watch
// from the next revision (etcd sends every change after it, in order, without gaps; the client resumes
// from the last revision it saw after a reconnect). A watch cancelled by etcd (it fell behind
// compaction) is replaced by a fresh snapshot and watch.

import type { Etcd3, IKeyValue, IWatchResponse, Watcher } from 'etcd3';
import { decodeKey, parseKey, type StoredKey } from './keys.js';
import type { LiveNode, SlotMap, SlotOwner } from './slot-map.js';

export class SlotMapWatch {
  private watcher: Watcher | undefined;
  private stopped = false;

  /** `onChange` runs after each batch of changes has been applied (one etcd response). */
  constructor(
    private readonly client: Etcd3,
    private readonly prefix: string,
    private readonly map: SlotMap,
    private readonly onChange: () => void,
  ) {}

  async start(): Promise<void> {
    const revision = await loadSnapshot(this.client, this.prefix, this.map);
    if (this.stopped) return;
    const watcher = await this.client
      .watch()
      .prefix(this.prefix)
      .startRevision(String(revision + 1))
      .create();
    if (this.stopped) {
      await watcher.cancel();
      return;
    }
    this.watcher = watcher;
    watcher.on('data', (res: IWatchResponse) => this.apply(res));
    watcher.on('error', () => void this.restart(watcher));
    this.onChange();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.watcher?.cancel();
    this.watcher = undefined;
  }

  private apply(res: IWatchResponse): void {
    for (const event of res.events) {
      applyKey(this.map, this.prefix, storedOf(event.kv), event.type === 'Delete');
    }
    if (res.events.length > 0) this.onChange();
  }

  private async restart(failed: Watcher): Promise<void> {
    if (this.stopped || this.watcher !== failed) return;
    this.watcher = undefined;
    await failed.cancel().catch(() => undefined);
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.start();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }
}

/** Reads every key under the prefix into `map` (replacing what it held); returns the read's revision. */
export async function loadSnapshot(client: Etcd3, prefix: string, map: SlotMap): Promise<number> {
  const res = await client.getAll().prefix(prefix).exec();
  const revision = Number(res.header.revision);
  const slots: [number, SlotOwner][] = [];
  const nodes: [string, LiveNode][] = [];
  for (const kv of res.kvs) {
    const decoded = decodeKey(prefix, storedOf(kv));
    if (decoded?.kind === 'slot') slots.push([decoded.slot, ownerOf(decoded)]);
    if (decoded?.kind === 'node') nodes.push([decoded.node, { address: decoded.holder.address, lease: decoded.lease }]);
  }
  map.replaceAll(revision, slots, nodes);
  return revision;
}

/** Applies one stored key (put, or delete when `deleted`) to the map, in revision order. */
export function applyKey(map: SlotMap, prefix: string, stored: StoredKey, deleted: boolean): void {
  if (deleted) {
    // A delete event carries the key and the deleting revision (as its mod revision), no value.
    const target = parseKey(prefix, stored.key);
    const revision = Number(stored.modRevision);
    if (target?.kind === 'slot') map.applySlot(target.slot, undefined, revision);
    if (target?.kind === 'node') map.applyNode(target.node, undefined, revision);
    return;
  }
  const decoded = decodeKey(prefix, stored);
  if (decoded?.kind === 'slot') map.applySlot(decoded.slot, ownerOf(decoded), decoded.revision);
  if (decoded?.kind === 'node') map.applyNode(decoded.node, { address: decoded.holder.address, lease: decoded.lease }, decoded.revision);
}

export function storedOf(kv: IKeyValue): StoredKey {
  return {
    key: kv.key.toString(),
    value: kv.value?.toString() ?? '',
    createRevision: kv.create_revision,
    modRevision: kv.mod_revision,
    lease: kv.lease,
  };
}

function ownerOf(decoded: { holder: { node: string; address: string }; epoch: number; lease: string }): SlotOwner {
  return { node: decoded.holder.node, address: decoded.holder.address, epoch: decoded.epoch, lease: decoded.lease };
}
