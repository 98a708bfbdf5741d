// PointsService handlers: decode → validate → engine → encode. Errors leave through api/status.ts only.

import type { ShardOp, WriteCommand } from '../actor/commands.js';
import type { CommandResult } from '../contract/generated/jifen/v1/CommandResult.js';
import type { PointsServiceHandlers } from '../contract/generated/jifen/v1/PointsService.js';
import type { SubmitBatchResponse } from '../contract/generated/jifen/v1/SubmitBatchResponse.js';
import type { AccountReader } from '../front/account-reader.js';
import type { Engine } from '../front/engine.js';
import type { EventHub } from '../events/event-hub.js';
import type { EngineMetrics } from '../metrics/registry.js';
import {
  type TimeBounds,
  decodeAdjust,
  decodeBatchSize,
  decodeCommand,
  decodeCaptureHold,
  decodeEarn,
  decodeEnroll,
  decodeGetAccount,
  decodeHold,
  decodeQuoteRedemption,
  decodeReleaseHold,
  decodeTransfer,
  decodeRecordActivity,
  decodeListEntries,
  decodeRedeem,
  decodeReverse,
} from './decode.js';
import { encodeAccount, encodeBatchError, encodeBatchResult, encodeEntryPage, encodeQuote, encodeWrite } from './encode.js';
import { acceptedValue, rejectionOfError } from './status.js';
import { unary } from './unary-call.js';
import { watchEventsHandler } from './watch-events.js';
import type { EarnRequestMsg, EnrollRequestMsg, RecordActivityRequestMsg, SubmitBatchRequestMsg } from './wire.js';

export interface PointsServiceDeps {
  engine: Engine;
  accounts: AccountReader;
  hub: EventHub;
  metrics: EngineMetrics;
  clock: () => number;
  maxFutureSkewMs: number;
  maxLatenessMs: number;
  watchMaxBehindBytes: number;
}

/** PointsService methods but the points mall's (rewards-service.ts); server.ts checks that together they are all. */
export function pointsServiceHandlers(deps: PointsServiceDeps) {
  const { engine } = deps;
  const time = (): TimeBounds => ({
    now: deps.clock(),
    maxFutureSkewMs: deps.maxFutureSkewMs,
    maxLatenessMs: deps.maxLatenessMs,
  });
  const write =
    <Req>(decode: (req: Req) => WriteCommand) =>
    async (req: Req, deadline: number) => {
      const cmd = decode(req);
      return encodeWrite(cmd.kind, acceptedValue(await engine.submit(cmd, deadline)));
    };
  return {
    Earn: unary(
      deps,
      'Earn',
      write((req: EarnRequestMsg) => decodeEarn(req, time())),
    ),
    Redeem: unary(deps, 'Redeem', write(decodeRedeem)),
    Reverse: unary(deps, 'Reverse', write(decodeReverse)),
    Adjust: unary(deps, 'Adjust', write(decodeAdjust)),
    GetAccount: unary(deps, 'GetAccount', async (req, deadline) =>
      encodeAccount(acceptedValue(await deps.accounts.read(decodeGetAccount(req), deadline))),
    ),
    ListEntries: unary(deps, 'ListEntries', async (req, deadline) =>
      encodeEntryPage(acceptedValue(await engine.submit(decodeListEntries(req), deadline))),
    ),
    Enroll: unary(
      deps,
      'Enroll',
      write((req: EnrollRequestMsg) => decodeEnroll(req, time())),
    ),
    RecordActivity: unary(
      deps,
      'RecordActivity',
      write((req: RecordActivityRequestMsg) => decodeRecordActivity(req, time())),
    ),
    Hold: unary(deps, 'Hold', write(decodeHold)),
    CaptureHold: unary(deps, 'CaptureHold', write(decodeCaptureHold)),
    ReleaseHold: unary(deps, 'ReleaseHold', write(decodeReleaseHold)),
    Transfer: unary(deps, 'Transfer', write(decodeTransfer)),
    QuoteRedemption: unary(deps, 'QuoteRedemption', async (req, deadline) =>
      encodeQuote(acceptedValue(await engine.submit(decodeQuoteRedemption(req), deadline))),
    ),
    SubmitBatch: unary(deps, 'SubmitBatch', (req, deadline) => submitBatch(engine, req, time(), deadline)),
    WatchEvents: watchEventsHandler(deps.hub, deps.metrics, deps.watchMaxBehindBytes),
  } satisfies Partial<PointsServiceHandlers>;
}

/**
 * Each command succeeds or fails on its own: an invalid one gets its error in place and never
 * reaches a shard; the valid ones go to their shards together.
 */
async function submitBatch(engine: Engine, req: SubmitBatchRequestMsg, time: TimeBounds, deadline: number): Promise<SubmitBatchResponse> {
  const commands = req.commands;
  decodeBatchSize(commands);
  const results: CommandResult[] = new Array(commands.length);
  const ops: ShardOp[] = [];
  const positions: number[] = [];
  for (let i = 0; i < commands.length; i++) {
    try {
      ops.push(decodeCommand(commands[i], time, `commands[${i}]`));
      positions.push(i);
    } catch (err) {
      const { code, message } = rejectionOfError(err);
      results[i] = encodeBatchError(code, message);
    }
  }
  const outcomes = await engine.submitAll(ops, deadline);
  for (let j = 0; j < ops.length; j++) {
    results[positions[j]] = encodeBatchResult(ops[j].kind as WriteCommand['kind'], outcomes[j]);
  }
  return { results };
}
