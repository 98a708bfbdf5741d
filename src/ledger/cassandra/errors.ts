// The Cassandra store's errors: what a caller (the shard core, an operator reading logs) can act on.

/** A batch would give an idempotency key a second entry; nothing of the batch was written. */
export class IdempotencyKeyTaken extends Error {
  override name = 'IdempotencyKeyTaken';
  constructor(
    readonly tenantId: string,
    readonly memberId: string,
    readonly idempotencyKey: string,
    readonly takenBySeq: number,
    readonly seq: number,
  ) {
    super(
      `idempotency key ${JSON.stringify(idempotencyKey)} of ${tenantId}/${memberId} is taken by seq ${takenBySeq}; ` +
        `refusing a second entry (seq ${seq}) for it`,
    );
  }
}

/**
 * A commit failed part-way and its rollback could not be written yet. Until it is, the store answers
 * nothing (every call retries the rollback first), because a reader could see half of the batch.
 */
export class LedgerUnsettled extends Error {
  override name = 'LedgerUnsettled';
  constructor(cause: unknown) {
    super(`a failed ledger commit is not rolled back yet: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The keyspace was written with other bucket sizes than this build uses, or was never migrated. */
export class LedgerLayoutMismatch extends Error {
  override name = 'LedgerLayoutMismatch';
}
