// How the Cassandra store talks to the driver: every statement prepared, idempotent and at
// LOCAL_QUORUM; SELECTs read to their last page; statements sharing a partition go as one unlogged batch.

import { type Client, types } from 'cassandra-driver';
import type { Statement } from './cql.js';
import { mapBounded } from './map-bounded.js';

/** What the store needs of a driver client. */
export type CqlClient = Pick<Client, 'execute' | 'batch' | 'shutdown'>;

/** Every read and write: LOCAL_QUORUM, prepared, and safe to retry (fixed keys, client timestamps). */
export const QUERY = { prepare: true, isIdempotent: true, consistency: types.consistencies.localQuorum } as const;

export class CqlSession {
  constructor(
    readonly client: CqlClient,
    /** Requests one call keeps in flight (multi-member reads, a commit's partitions). */
    readonly concurrency: number,
    /** Fenced mode only (fence.ts): the timestamp of each write, ordered by the fence token. */
    private readonly timestamps?: () => types.Long,
  ) {}

  /** One statement, as QUERY says. */
  execute(query: string, params: unknown[]): Promise<types.ResultSet> {
    return this.client.execute(query, params, this.writeOptions());
  }

  /** Every page of a SELECT (partitions here are bounded, so this is one page in practice). */
  async selectAll(query: string, params: unknown[]): Promise<types.Row[]> {
    const rows: types.Row[] = [];
    let pageState: string | undefined;
    do {
      const result = await this.client.execute(query, params, { ...QUERY, pageState });
      rows.push(...result.rows);
      pageState = result.pageState ?? undefined;
    } while (pageState);
    return rows;
  }

  /** One unlogged batch for statements that share a partition: atomic and isolated on each replica. */
  async writeGroup(statements: Statement[]): Promise<void> {
    if (statements.length === 0) return;
    if (statements.length === 1) {
      await this.client.execute(statements[0].query, statements[0].params, this.writeOptions());
      return;
    }
    await this.client.batch(
      statements.map((s) => ({ query: s.query, params: s.params })),
      { ...this.writeOptions(), logged: false },
    );
  }

  /** QUERY, and in fenced mode the write's timestamp (a statement's own USING TIMESTAMP still wins). */
  private writeOptions(): typeof QUERY | (typeof QUERY & { timestamp: types.Long }) {
    return this.timestamps ? { ...QUERY, timestamp: this.timestamps() } : QUERY;
  }

  /** Writes every group, bounded; rejects only once all started writes have settled. */
  async runAll(groups: Statement[][]): Promise<void> {
    await mapBounded(groups, this.concurrency, (group) => this.writeGroup(group));
  }
}
