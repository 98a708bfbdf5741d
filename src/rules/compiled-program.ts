// A program compiled for the earning hot path: item and condition lists as sets, campaigns sorted,
// multipliers as reduced ratios of the base rate. Programs are immutable values (a new version is a
// new object), so the compiled form is cached by object identity and built once per version.

import { type CompiledCampaign, compileCampaigns } from './campaigns.js';
import { type CompiledConditions, type ItemMatcher, compileConditions, compileItemMatch } from './order-conditions.js';
import { BASIS_POINTS, type Caps, type Program } from './program/program.js';
import { type Ratio, basisPointsRatio, multiplyRatios, reduced } from './rounding.js';

export interface CompiledProgram {
  /** baseRate.points / baseRate.perMinor in lowest terms. */
  rate: Ratio;
  tiers: Map<string, CompiledTier>;
  /** The level of a member whose tier id the program does not know. */
  firstTier: CompiledTier;
  exclusions: CompiledExclusion[];
  /** Only those with a multiplier above 1.0×, in program order. */
  itemMultipliers: CompiledItemMultiplier[];
  /** In application order: priority, then id. */
  campaigns: CompiledCampaign[];
  /** first_order and order_bonus rules, in program order. */
  bonuses: CompiledBonus[];
}

export interface CompiledTier {
  id: string;
  lineId: string;
  /** m / 10000 with m ≥ 10000: the R a multiply campaign starts from. */
  multiplier: Ratio;
  /** rate × (m − 10000) / 10000; undefined when m ≤ 1.0× (no tier line). */
  extra: Ratio | undefined;
}

interface CompiledRule {
  id: string;
  conditions: CompiledConditions;
  caps: Caps;
  pendingDays: number;
}

export interface CompiledExclusion {
  conditions: CompiledConditions;
  match: ItemMatcher;
}

export interface CompiledItemMultiplier extends CompiledRule {
  match: ItemMatcher;
  /** rate × (m − 10000) / 10000. */
  extra: Ratio;
}

export interface CompiledBonus extends CompiledRule {
  /** first_order: only when the member has no earlier earning order. */
  firstOrderOnly: boolean;
  /** order_bonus with a match: only when some non-excluded item matches. */
  match: ItemMatcher | undefined;
  bonusPoints: number;
}

export const NO_CAPS: Caps = { perDay: 0, perMonth: 0 };

export function compiledProgramOf(program: Program): CompiledProgram {
  let p = compiled.get(program);
  if (!p) {
    p = compileProgram(program);
    compiled.set(program, p);
  }
  return p;
}

/** rate × (multiplierBp − 10000) / 10000: the points per minor unit a multiplier adds above 1.0×. */
export function extraOverBase(rate: Ratio, multiplierBp: number): Ratio {
  return multiplyRatios(rate, basisPointsRatio(multiplierBp - BASIS_POINTS));
}

const compiled = new WeakMap<Program, CompiledProgram>();

function compileProgram(program: Program): CompiledProgram {
  const rate = reduced(program.baseRate.points, program.baseRate.perMinor);
  const tiers = new Map<string, CompiledTier>();
  for (const level of program.tiers.levels) tiers.set(level.id, compileTier(level.id, level.multiplierBp, rate));
  const first = program.tiers.levels[0];
  const p: CompiledProgram = {
    rate,
    tiers,
    firstTier: first ? tiers.get(first.id)! : compileTier('', BASIS_POINTS, rate),
    exclusions: [],
    itemMultipliers: [],
    campaigns: compileCampaigns(program.campaigns, rate),
    bonuses: [],
  };
  for (const rule of program.rules) {
    const conditions = compileConditions(rule.when, rule.validFrom, rule.validTo);
    const common: CompiledRule = { id: rule.id, conditions, caps: rule.caps, pendingDays: rule.pendingDays };
    switch (rule.kind) {
      case 'item_exclusion':
        p.exclusions.push({ conditions, match: compileItemMatch(rule.match) });
        break;
      case 'item_multiplier':
        if (rule.multiplierBp > BASIS_POINTS) {
          p.itemMultipliers.push({ ...common, match: compileItemMatch(rule.match), extra: extraOverBase(rate, rule.multiplierBp) });
        }
        break;
      case 'first_order':
        p.bonuses.push({ ...common, firstOrderOnly: true, match: undefined, bonusPoints: rule.bonusPoints });
        break;
      case 'order_bonus':
        p.bonuses.push({
          ...common,
          firstOrderOnly: false,
          match: rule.match && compileItemMatch(rule.match),
          bonusPoints: rule.bonusPoints,
        });
        break;
    }
  }
  return p;
}

/** Multipliers below 1.0× count as 1.0×: a tier never takes base points away. */
function compileTier(id: string, multiplierBp: number, rate: Ratio): CompiledTier {
  const m = Math.max(multiplierBp, BASIS_POINTS);
  return {
    id,
    lineId: `tier:${id}`,
    multiplier: basisPointsRatio(m),
    extra: m > BASIS_POINTS ? extraOverBase(rate, m) : undefined,
  };
}
