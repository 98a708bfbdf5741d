// The engine's view of the API keys: all of them in memory, re-read from the key store every few
// seconds (so a revocation by `npm run keys` on any machine reaches every engine within that
// interval), and a key id it does not know looked up once on demand (a key created a moment ago works
// at once). Each key's last use is noted at most once a minute.

import { type ApiKey, type AuthenticationFailure, keyIdOf, secretMatches, unusableBecause } from './api-key.js';
import type { KeyStore } from './key-store.js';

export type Authentication = { ok: true; key: ApiKey } | { ok: false; failure: AuthenticationFailure };

export interface KeyBookOptions {
  reloadIntervalMs: number;
  clock: () => number;
  log?: (line: string) => void;
}

/** A last use is written again only after this long: the time is coarse, the store not a hot path. */
const USE_NOTE_INTERVAL_MS = 60_000;
/** On-demand lookups of unknown ids in flight at once; beyond, an unknown id waits for the next reload. */
const MAX_LOOKUPS_IN_FLIGHT = 32;
/** Verified key strings remembered until the next reload; past this many the memory starts afresh. */
const MAX_VERIFIED = 10_000;

export class KeyBook {
  private keys = new Map<string, ApiKey>();
  /** Ids looked up and not found since the last reload: a flood of made-up ids costs one read each at most. */
  private absent = new Set<string>();
  private lookups = new Map<string, Promise<ApiKey | undefined>>();
  private notedUse = new Map<string, number>();
  /**
   * Key strings whose secret matched, and the key they matched, until the next reload: a caller presents
   * the same string on every call, and hashing it each time cost ~5 µs per call (a tenth of the key's
   * cost per Earn). Only strings that matched are kept, so made-up secrets cannot fill it.
   */
  private verified = new Map<string, ApiKey>();
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;

  private constructor(
    private readonly store: KeyStore,
    private readonly options: KeyBookOptions,
  ) {}

  /** Loads every key, then keeps reloading them every reloadIntervalMs until close(). */
  static async open(store: KeyStore, options: KeyBookOptions): Promise<KeyBook> {
    const book = new KeyBook(store, options);
    await book.reload();
    book.timer = setInterval(() => void book.reloadOnce(), options.reloadIntervalMs);
    book.timer.unref();
    return book;
  }

  get size(): number {
    return this.keys.size;
  }

  /** The key a presented key string stands for, if it may be used now. */
  async authenticate(presented: string): Promise<Authentication> {
    const known = this.authenticateKnown(presented);
    if (known) return known;
    const id = keyIdOf(presented);
    if (id === undefined) return { ok: false, failure: 'malformed' };
    const key = this.keys.get(id) ?? (await this.lookUp(id));
    if (!key || !secretMatches(key, presented)) return { ok: false, failure: 'unknown' };
    if (this.keys.get(id) === key) {
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
      this.verified.set(presented, key);
    }
    return this.usable(key);
  }

  /**
   * authenticate() without waiting, for a key string verified since the last reload (the hot path: no
   * hash, no promise); undefined when it must be looked at by authenticate().
   */
  authenticateKnown(presented: string): Authentication | undefined {
    const key = this.verified.get(presented);
    return key === undefined ? undefined : this.usable(key);
  }

  private usable(key: ApiKey): Authentication {
    const id = key.id;
    const now = this.options.clock();
    const unusable = unusableBecause(key, now);
    if (unusable) return { ok: false, failure: unusable };
    this.noteUse(id, now);
    return { ok: true, key };
  }

  /** Re-reads every key from the store now. */
  async reload(): Promise<void> {
    const keys = await this.store.all((id, why) => this.log(`jifen: key ${id} ignored: ${why}`));
    this.keys = new Map(keys.map((key) => [key.id, key]));
    this.absent.clear();
    this.verified.clear(); // a revoked, rotated or re-read key is verified against its new copy
  }

  close(): void {
    clearInterval(this.timer);
  }

  private async reloadOnce(): Promise<void> {
    if (this.reloading) return;
    this.reloading = this.reload()
      .catch((err: unknown) => this.log(`jifen: reloading API keys failed (the keys loaded before stay in use): ${String(err)}`))
      .finally(() => {
        this.reloading = undefined;
      });
    await this.reloading;
  }

  private lookUp(id: string): Promise<ApiKey | undefined> {
    if (this.absent.has(id)) return Promise.resolve(undefined);
    const inFlight = this.lookups.get(id);
    if (inFlight) return inFlight;
    if (this.lookups.size >= MAX_LOOKUPS_IN_FLIGHT) return Promise.resolve(undefined);
    const lookup = this.store
      .get(id)
      .catch((err: unknown) => {
        this.log(`jifen: looking up API key ${id} failed: ${String(err)}`);
        return undefined;
      })
      .then((key) => {
        if (key) this.keys.set(id, key);
        else this.absent.add(id);
        return key;
      })
      .finally(() => this.lookups.delete(id));
    this.lookups.set(id, lookup);
    return lookup;
  }

  private noteUse(id: string, now: number): void {
    const last = this.notedUse.get(id);
    if (last !== undefined && now - last < USE_NOTE_INTERVAL_MS) return;
    this.notedUse.set(id, now);
    this.store.noteUse(id, now).catch((err: unknown) => this.log(`jifen: noting the use of API key ${id} failed: ${String(err)}`));
  }

  private log(line: string): void {
    (this.options.log ?? console.error)(line);
  }
}
