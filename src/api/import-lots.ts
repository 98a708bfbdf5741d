// AdminService.ImportLots: the valid rows of a request go to their members' shards together; every
// row is answered in place as imported, already imported (a retry of the batch) or rejected.

import type { ShardOp } from '../actor/commands.js';
import type { WriteResult } from '../actor/results.js';
import type { Rejection } from '../actor/rejections.js';
import type { ImportLotsResponse } from '../contract/generated/jifen/v1/ImportLotsResponse.js';
import type { ImportRowResult } from '../contract/generated/jifen/v1/ImportRowResult.js';
import type { Engine } from '../front/engine.js';
import { type ImportLotsRequestMsg, decodeImportLots } from './decode-import.js';
import { statusName, statusOf } from './status.js';

type Outcome = 'IMPORT_OUTCOME_IMPORTED' | 'IMPORT_OUTCOME_ALREADY_IMPORTED' | 'IMPORT_OUTCOME_REJECTED';

/** Every row answers all of its fields, with one of the three outcomes an import gives. */
interface RowResult extends Required<ImportRowResult> {
  outcome: Outcome;
}

export async function importLots(
  engine: Pick<Engine, 'submitAll'>,
  req: ImportLotsRequestMsg,
  deadline: number,
): Promise<ImportLotsResponse> {
  const { rows, dryRun } = decodeImportLots(req);
  const results: RowResult[] = new Array(rows.length);
  const ops: ShardOp[] = [];
  const positions: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row.ok) {
      ops.push(row.command);
      positions.push(i);
    } else {
      results[i] = rejected(row.rejection);
    }
  }
  const outcomes = await engine.submitAll(ops, deadline);
  for (let j = 0; j < ops.length; j++) {
    const outcome = outcomes[j];
    if (!outcome.ok) {
      results[positions[j]] = rejected(outcome.rejection);
      continue;
    }
    const replayed = outcome.replayed === true;
    results[positions[j]] = {
      outcome: replayed ? 'IMPORT_OUTCOME_ALREADY_IMPORTED' : 'IMPORT_OUTCOME_IMPORTED',
      // A dry run writes no entry; a row imported before has its real one.
      entry_id: dryRun && !replayed ? '' : (outcome.value as WriteResult).entryId,
      code: 0,
      status: '',
      message: '',
    };
  }
  const count = (outcome: Outcome) => results.reduce((n, r) => (r.outcome === outcome ? n + 1 : n), 0);
  return {
    results,
    imported: count('IMPORT_OUTCOME_IMPORTED'),
    already_imported: count('IMPORT_OUTCOME_ALREADY_IMPORTED'),
    rejected: count('IMPORT_OUTCOME_REJECTED'),
  };
}

function rejected(rejection: Rejection): RowResult {
  const code = statusOf(rejection);
  return { outcome: 'IMPORT_OUTCOME_REJECTED', entry_id: '', code, status: statusName(code), message: rejection.message };
}
