// Records a batch's anti-abuse stats (RiskStats, from the shard) into the front's registry.

import type { EngineMetrics } from '../metrics/registry.js';
import type { RiskStats } from './risk-batch.js';

export function recordRiskStats(metrics: EngineMetrics, stats: RiskStats): void {
  for (const [policy, outcome, n] of stats.decisions) metrics.riskDecisions.inc({ policy, outcome }, n);
  if (stats.storeFailures > 0) metrics.riskStoreFailures.inc({ policy: stats.failure }, stats.storeFailures);
}
