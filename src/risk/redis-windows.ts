// Cross-member velocity windows in Redis: one Lua script call per batch (per tenant on a Cluster:
// every key of a tenant carries its hash tag) that first applies the previous batch's corrections,
// then reserves each command atomically, exactly as InProcessWindows does in memory. Counters are
// hashes of buckets (`<index>` → count, `p<index>` → points); distinct members are sorted sets
// scored by the instant last seen. Keys expire once their window has passed.

import { Cluster, type ClusterNode, Redis } from 'ioredis';
import {
  CHECK_WIDTH,
  CORRECTION_WIDTH,
  type Corrections,
  type ReserveReply,
  type ReserveRequest,
  type SharedWindows,
  SharedWindowsUnavailable,
} from './shared-windows.js';
import { BUCKETS } from '../rules/sliding-window.js';

export interface RedisWindowsOptions {
  connectTimeoutMs?: number;
  /** A stuck connection fails the batch's reservation after this long (then the failure policy applies). */
  commandTimeoutMs?: number;
  /** Corrections left when no batch follows are sent on their own after this long. */
  flushAfterMs?: number;
}

interface WindowScripts {
  reserveWindows(...args: (string | number)[]): Promise<number[]>;
}

export class RedisWindows implements SharedWindows {
  private readonly client: (Redis | Cluster) & WindowScripts;
  private pending: Corrections = { keys: [], values: [] };
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly flushAfterMs: number;

  static standalone(url: string, options: RedisWindowsOptions = {}): RedisWindows {
    return new RedisWindows({ url }, options);
  }

  static cluster(nodes: ClusterNode[], options: RedisWindowsOptions = {}): RedisWindows {
    return new RedisWindows({ nodes }, options);
  }

  private constructor(target: { url: string } | { nodes: ClusterNode[] }, options: RedisWindowsOptions) {
    this.flushAfterMs = options.flushAfterMs ?? 200;
    const perConnection = {
      // One try: a reservation is not idempotent, so a resend after a dropped connection could count twice.
      maxRetriesPerRequest: 0,
      connectTimeout: options.connectTimeoutMs ?? 3_000,
      commandTimeout: options.commandTimeoutMs ?? 1_000,
    };
    const shared = { enableOfflineQueue: false, lazyConnect: false };
    // Cluster: no auto-pipelining. It picks a command's node by its first argument, which for this
    // script is the key count, so scripts of different tenants would be pipelined to one node.
    this.client = (
      'url' in target
        ? new Redis(target.url, { ...perConnection, ...shared, enableAutoPipelining: true })
        : new Cluster(target.nodes, { ...shared, redisOptions: perConnection })
    ) as (Redis | Cluster) & WindowScripts;
    this.client.defineCommand('reserveWindows', { lua: RESERVE_WINDOWS });
    // Failures surface on the calls (and are counted there); the listener keeps ioredis quiet.
    this.client.on('error', () => {});
  }

  /** Resolves once connected, rejects with the connection error. */
  ready(): Promise<void> {
    if (this.client.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onReady = () => {
        this.client.off('error', onError);
        resolve();
      };
      const onError = (err: Error) => {
        this.client.off('ready', onReady);
        reject(new SharedWindowsUnavailable(`Redis for velocity windows is not reachable: ${err.message}`, { cause: err }));
      };
      this.client.once('ready', onReady).once('error', onError);
    });
  }

  async reserve(request: ReserveRequest): Promise<ReserveReply> {
    const corrections = this.takePending();
    if (this.client instanceof Redis) return this.call(request, corrections);
    // Cluster: a script may only touch one slot, and every key of a tenant shares its hash tag.
    const groups = splitByTag(request, corrections);
    const replies = await Promise.all(groups.map((g) => this.call(g.request, g.corrections)));
    return mergeReplies(request, groups, replies);
  }

  settle(corrections: Corrections): void {
    if (corrections.values.length === 0) return;
    const base = this.pending.keys.length;
    for (const key of corrections.keys) this.pending.keys.push(key);
    for (let i = 0; i < corrections.values.length; i += CORRECTION_WIDTH) {
      this.pending.values.push(corrections.values[i] + base);
      for (let j = 1; j < CORRECTION_WIDTH; j++) this.pending.values.push(corrections.values[i + j]);
    }
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => void this.flush(), this.flushAfterMs);
      this.flushTimer.unref();
    }
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }

  private async flush(): Promise<void> {
    const corrections = this.takePending();
    if (corrections.values.length === 0) return;
    const empty: ReserveRequest = { now: Date.now(), keys: [], members: [], ops: [], opCount: 0 };
    try {
      if (this.client instanceof Redis) await this.call(empty, corrections);
      else await Promise.all(splitByTag(empty, corrections).map((g) => this.call(g.request, g.corrections)));
    } catch {
      // Lost with the connection: counters only over-count until their window passes.
    }
  }

  private takePending(): Corrections {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const taken = this.pending;
    if (taken.values.length > 0) this.pending = { keys: [], values: [] };
    return taken;
  }

  private async call(request: ReserveRequest, corrections: Corrections): Promise<ReserveReply> {
    // KEYS: the request's keys, then the corrections'. ARGV: now, correction count, op count, the
    // index of the first member in ARGV, the corrections, the ops, the members.
    const keyCount = request.keys.length + corrections.keys.length;
    const args: (string | number)[] = [keyCount];
    for (const key of request.keys) args.push(key);
    for (const key of corrections.keys) args.push(key);
    const correctionCount = corrections.values.length / CORRECTION_WIDTH;
    // Lua indexes ARGV from 1: 4 header fields, the corrections, the ops.
    const membersAt = 5 + corrections.values.length + request.ops.length;
    args.push(request.now, correctionCount, request.opCount, membersAt);
    for (let i = 0; i < corrections.values.length; i += CORRECTION_WIDTH) {
      args.push(corrections.values[i] + request.keys.length);
      for (let j = 1; j < CORRECTION_WIDTH; j++) args.push(corrections.values[i + j]);
    }
    for (const n of request.ops) args.push(n);
    for (const member of request.members) args.push(member);
    try {
      return await this.client.reserveWindows(...args);
    } catch (err) {
      throw new SharedWindowsUnavailable(`velocity windows in Redis: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}

interface TagGroup {
  request: ReserveRequest;
  corrections: Corrections;
  /** Index in the original request of each op of this group. */
  ops: number[];
}

/** The hash tag of a key (`…{tenant}…`), or the whole key. */
function tagOf(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

function splitByTag(request: ReserveRequest, corrections: Corrections): TagGroup[] {
  const groups = new Map<string, TagGroup & { keyIndex: Map<number, number>; memberIndex: Map<number, number> }>();
  const groupOf = (tag: string) => {
    let g = groups.get(tag);
    if (!g) {
      g = {
        request: { now: request.now, keys: [], members: [], ops: [], opCount: 0 },
        corrections: { keys: [], values: [] },
        ops: [],
        keyIndex: new Map(),
        memberIndex: new Map(),
      };
      groups.set(tag, g);
    }
    return g;
  };
  let at = 0;
  for (let op = 0; op < request.opCount; op++) {
    const checks = request.ops[at];
    const g = groupOf(tagOf(request.keys[request.ops[at + 2]]));
    g.ops.push(op);
    g.request.opCount++;
    g.request.ops.push(checks);
    at++;
    for (let k = 0; k < checks; k++, at += CHECK_WIDTH) {
      const key = request.ops[at + 1];
      let local = g.keyIndex.get(key);
      if (local === undefined) {
        local = g.request.keys.push(request.keys[key]) - 1;
        g.keyIndex.set(key, local);
      }
      let third = request.ops[at + 3];
      if (request.ops[at] !== 0) {
        let member = g.memberIndex.get(third);
        if (member === undefined) {
          member = g.request.members.push(request.members[third]) - 1;
          g.memberIndex.set(third, member);
        }
        third = member;
      }
      g.request.ops.push(request.ops[at], local, request.ops[at + 2], third, request.ops[at + 4], request.ops[at + 5]);
    }
  }
  for (let i = 0; i < corrections.values.length; i += CORRECTION_WIDTH) {
    const key = corrections.keys[corrections.values[i]];
    const g = groupOf(tagOf(key));
    const local = g.corrections.keys.push(key) - 1;
    g.corrections.values.push(local);
    for (let j = 1; j < CORRECTION_WIDTH; j++) g.corrections.values.push(corrections.values[i + j]);
  }
  return [...groups.values()];
}

function mergeReplies(request: ReserveRequest, groups: TagGroup[], replies: ReserveReply[]): ReserveReply {
  // Each op's reply is 2 + 2 × checks numbers, in the op's original position.
  const slices: number[][] = new Array(request.opCount);
  groups.forEach((g, gi) => {
    let at = 0;
    let rAt = 0;
    for (const op of g.ops) {
      const checks = g.request.ops[at];
      at += 1 + checks * CHECK_WIDTH;
      slices[op] = replies[gi].slice(rAt, rAt + 2 + 2 * checks);
      rAt += 2 + 2 * checks;
    }
  });
  return slices.flat();
}

// The same algorithm as InProcessWindows.reserveNow (shared-windows.ts) and sliding-window.ts.
const RESERVE_WINDOWS = `
local B = ${BUCKETS}
local now = tonumber(ARGV[1])
local nCorrections = tonumber(ARGV[2])
local nOps = tonumber(ARGV[3])
local membersAt = tonumber(ARGV[4])
local loaded = {}

local function load(k, w)
  local s = loaded[k]
  if s then return s end
  local g = w / B
  local oldest = math.floor(now / g) - B
  s = { c = {}, p = {}, g = g }
  local flat = redis.call('HGETALL', KEYS[k])
  local stale = {}
  for j = 1, #flat, 2 do
    local f = flat[j]
    local isPoints = string.byte(f, 1) == 112
    local idx = tonumber(isPoints and string.sub(f, 2) or f)
    if idx < oldest then stale[#stale + 1] = f
    elseif isPoints then s.p[idx] = tonumber(flat[j + 1])
    else s.c[idx] = tonumber(flat[j + 1]) end
  end
  if #stale > 0 then redis.call('HDEL', KEYS[k], unpack(stale)) end
  loaded[k] = s
  return s
end

local function total(t)
  local n = 0
  for _, v in pairs(t) do n = n + v end
  return n
end

local function retryAfter(s, maxCount, maxPoints, cost, w)
  local order = {}
  for i in pairs(s.c) do order[#order + 1] = i end
  table.sort(order)
  local count, points = total(s.c), total(s.p)
  for _, i in ipairs(order) do
    count = count - s.c[i]
    points = points - (s.p[i] or 0)
    if (maxCount == 0 or count + 1 <= maxCount) and (maxPoints == 0 or points + cost <= maxPoints) then
      local wait = (i + B + 1) * s.g - now
      if wait < 1 then wait = 1 end
      return wait
    end
  end
  return w
end

local a = 5
for _ = 1, nCorrections do
  local k, w, idx = tonumber(ARGV[a]) + 1, tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local dc, dp = tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  a = a + 5
  local s = load(k, w)
  if s.c[idx] ~= nil then
    local c, p = math.max(0, s.c[idx] + dc), math.max(0, (s.p[idx] or 0) + dp)
    s.c[idx] = c
    s.p[idx] = p
    redis.call('HSET', KEYS[k], string.format('%d', idx), c, 'p' .. string.format('%d', idx), p)
  end
end

local reply = {}
for _ = 1, nOps do
  local n = tonumber(ARGV[a])
  a = a + 1
  local first = a
  local head = #reply
  reply[head + 1] = 0
  reply[head + 2] = 0
  local status, retry = 0, 0
  for k = 1, n do
    reply[head + 1 + 2 * k] = 0
    reply[head + 2 + 2 * k] = 0
    if tonumber(ARGV[a]) == 0 then
      local key, w = tonumber(ARGV[a + 1]) + 1, tonumber(ARGV[a + 2])
      local maxCount, maxPoints, cost = tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5])
      local s = load(key, w)
      local count, points = total(s.c), total(s.p)
      reply[head + 1 + 2 * k] = count
      reply[head + 2 + 2 * k] = points
      if status == 0 and ((maxCount > 0 and count + 1 > maxCount) or (maxPoints > 0 and points + cost > maxPoints)) then
        status = k
        retry = retryAfter(s, maxCount, maxPoints, cost, w)
      end
    end
    a = a + 6
  end
  reply[head + 1] = status
  reply[head + 2] = retry
  if status == 0 then
    local c = first
    for k = 1, n do
      local key, w = tonumber(ARGV[c + 1]) + 1, tonumber(ARGV[c + 2])
      if tonumber(ARGV[c]) == 0 then
        local cost = tonumber(ARGV[c + 5])
        local s = load(key, w)
        local idx = math.floor(now / s.g)
        local field = string.format('%d', idx)
        s.c[idx] = (s.c[idx] or 0) + 1
        redis.call('HINCRBY', KEYS[key], field, 1)
        if cost > 0 then
          s.p[idx] = (s.p[idx] or 0) + cost
          redis.call('HINCRBY', KEYS[key], 'p' .. field, cost)
        end
        redis.call('PEXPIRE', KEYS[key], w + s.g + 1000)
      else
        local member = ARGV[membersAt + tonumber(ARGV[c + 3])]
        redis.call('ZADD', KEYS[key], now, member)
        redis.call('ZREMRANGEBYSCORE', KEYS[key], '-inf', now - w)
        local seen = redis.call('ZCARD', KEYS[key])
        if seen > 10000 then
          redis.call('ZREMRANGEBYRANK', KEYS[key], 0, seen - 10001)
          seen = 10000
        end
        redis.call('PEXPIRE', KEYS[key], w)
        reply[head + 1 + 2 * k] = seen
      end
      c = c + 6
    end
  end
end
return reply
`;
