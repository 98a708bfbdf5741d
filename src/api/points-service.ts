// PointsService handlers: decode → validate → engine → encode. Errors leave through api/status.ts only.

import type * as grpc from '@grpc/grpc-js';
import type { ShardOp, WriteCommand } from '../actor/commands.js';
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
import type { SubmitBatchRequestMsg } from './wire.js';

export interface PointsServiceDeps {
  engine: Engine;
  accounts: AccountReader;
  hub: EventHub;
  metrics: EngineMetrics;
  clock: () => number;
  maxFutureSkewMs: number;
  maxLatenessMs: number;
}

export function pointsServiceHandlers(deps: PointsServiceDeps): grpc.UntypedServiceImplementation {
  const { engine } = deps;
  const time = (): TimeBounds => ({
    now: deps.clock(),
    maxFutureSkewMs: deps.maxFutureSkewMs,
    maxLatenessMs: deps.maxLatenessMs,
  });
  const write = (decode: (req: any) => WriteCommand) => async (req: any, deadline: number) => {
    const cmd = decode(req);
    return encodeWrite(cmd.kind, acceptedValue(await engine.submit(cmd, deadline)));
  };
  return {
    Earn: unary(deps, 'Earn', write((req) => decodeEarn(req, time()))),
    Redeem: unary(deps, 'Redeem', write((req) => decodeRedeem(req))),
    Reverse: unary(deps, 'Reverse', write((req) => decodeReverse(req))),
    Adjust: unary(deps, 'Adjust', write((req) => decodeAdjust(req))),
    GetAccount: unary(deps, 'GetAccount', async (req, deadline) =>
      encodeAccount(acceptedValue(await deps.accounts.read(decodeGetAccount(req), deadline))),
    ),
    ListEntries: unary(deps, 'ListEntries', async (req, deadline) =>
      encodeEntryPage(acceptedValue(await engine.submit(decodeListEntries(req), deadline))),
    ),
    Enroll: unary(deps, 'Enroll', write((req) => decodeEnroll(req, time()))),
    RecordActivity: unary(deps, 'RecordActivity', write((req) => decodeRecordActivity(req, time()))),
    Hold: unary(deps, 'Hold', write((req) => decodeHold(req))),
    CaptureHold: unary(deps, 'CaptureHold', write((req) => decodeCaptureHold(req))),
    ReleaseHold: unary(deps, 'ReleaseHold', write((req) => decodeReleaseHold(req))),
    Transfer: unary(deps, 'Transfer', write((req) => decodeTransfer(req))),
    QuoteRedemption: unary(deps, 'QuoteRedemption', async (req, deadline) =>
      encodeQuote(acceptedValue(await engine.submit(decodeQuoteRedemption(req), deadline))),
    ),
    SubmitBatch: unary(deps, 'SubmitBatch', (req, deadline) => submitBatch(engine, req, time(), deadline)),
    WatchEvents: watchEventsHandler(deps.hub, deps.metrics),
  };
}

/**
 * Each command succeeds or fails on its own: an invalid one gets its error in place and never
 * reaches a shard; the valid ones go to their shards together.
 */
async function submitBatch(
  engine: Engine,
  req: SubmitBatchRequestMsg,
  time: TimeBounds,
  deadline: number,
): Promise<Record<string, unknown>> {
  const commands = req.commands;
  decodeBatchSize(commands);
  const results: Record<string, unknown>[] = new Array(commands.length);
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
