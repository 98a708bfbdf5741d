// The festival profile: one YAML file (bench/profiles/festival.yaml) holding every parameter of a
// run, validated here so a misspelt key fails before anything starts. Pure: text in, profile out.
import { parse } from 'yaml';
import { z } from 'zod';

const range = z.tuple([z.number().nonnegative(), z.number().nonnegative()]).refine(([lo, hi]) => lo <= hi, 'must be [low, high]');
const share = z.number().min(0).max(1);

const profileSchema = z.strictObject({
  seed: z.number().int().nonnegative(),
  tenant: z.string().min(1),
  curve: z.strictObject({
    baselineRate: z.number().positive(),
    preMidnightSeconds: z.number().nonnegative(),
    peakMultiplier: z.number().min(1),
    peakSeconds: z.number().positive(),
    decayHalfLifeSeconds: z.number().positive(),
    afterPeakSeconds: z.number().nonnegative(),
    peakFloor: z.number().min(1),
  }),
  members: z.strictObject({
    count: z.number().int().positive(),
    zipfS: z.number().positive(),
    prefix: z.string().min(1),
    funded: z.number().int().positive(),
    fundedPoints: z.number().int().positive(),
  }),
  mix: z.strictObject({
    earn: z.number().nonnegative(),
    hold: z.number().nonnegative(),
    checkIn: z.number().nonnegative(),
    lottery: z.number().nonnegative(),
    redeem: z.number().nonnegative(),
  }),
  earn: z.strictObject({
    itemsMin: z.number().int().positive(),
    itemsMax: z.number().int().positive(),
    itemMinor: range,
    categories: z.array(z.string().min(1)).min(1),
    channels: z.array(z.string().min(1)).min(1),
  }),
  hold: z.strictObject({ points: range, orderMinor: range, ttlSeconds: z.number().int().positive(), captureShare: share, delayMs: range }),
  refund: z.strictObject({ share, delayMs: range, portion: range }),
  retry: z.strictObject({ share, delayMs: range }),
  flashSale: z.strictObject({
    windowSeconds: z.number().positive(),
    rewards: z
      .array(z.strictObject({ id: z.string().min(1), points: z.number().int().positive(), stock: z.number().int().positive() }))
      .min(1),
  }),
  lottery: z.strictObject({
    id: z.string().min(1),
    cost: z.number().int().positive(),
    prizes: z
      .array(
        z.strictObject({
          id: z.string().min(1),
          kind: z.string().regex(/^PRIZE_KIND_[A-Z]+$/),
          weight: z.number().int().positive(),
          stock: z.number().int().nonnegative(),
          points: z.number().int().nonnegative().optional(),
        }),
      )
      .min(1),
  }),
  generators: z.strictObject({
    count: z.union([z.literal('auto'), z.number().int().positive()]),
    maxRatePerGenerator: z.number().positive(),
    channels: z.number().int().positive(),
  }),
  deadlineMs: z.number().int().positive(),
  refusals: z.array(z.string().regex(/^[A-Z_]+$/)),
  late: z.strictObject({ thresholdMs: z.number().positive(), maxShare: share }),
  thresholds: z.strictObject({
    earnP99AtPeakMs: z.number().positive(),
    errorRate: share,
    oversoldUnits: z.number().int().nonnegative(),
  }),
  verify: z.strictObject({ concurrency: z.number().int().positive() }),
});

export type FestivalProfile = z.infer<typeof profileSchema>;

/** Parses and validates a profile; every problem is reported with its path. */
export function parseProfile(text: string, source = 'profile'): FestivalProfile {
  const result = profileSchema.safeParse(parse(text));
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${source}: ${i.path.join('.') || '(top)'} ${i.message}`);
    throw new Error(problems.join('\n'));
  }
  const p = result.data;
  if (p.earn.itemsMin > p.earn.itemsMax) throw new Error(`${source}: earn.itemsMin must be <= itemsMax`);
  if (p.members.funded > p.members.count) throw new Error(`${source}: members.funded must be <= members.count`);
  if (p.lottery.prizes.reduce((s, x) => s + x.weight, 0) > 1_000_000)
    throw new Error(`${source}: lottery prize weights sum over 1,000,000`);
  return p;
}

/** Command-line overrides of the curve and generators (the saturation search changes only these). */
export interface ProfileOverrides {
  baselineRate?: number;
  peakMultiplier?: number;
  generators?: number;
  seed?: number;
}

export function withOverrides(p: FestivalProfile, o: ProfileOverrides): FestivalProfile {
  return {
    ...p,
    seed: o.seed ?? p.seed,
    curve: { ...p.curve, baselineRate: o.baselineRate ?? p.curve.baselineRate, peakMultiplier: o.peakMultiplier ?? p.curve.peakMultiplier },
    generators: { ...p.generators, count: o.generators ?? p.generators.count },
  };
}
