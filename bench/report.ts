// Turns raw per-run measurements into medians, engine/echo ratios and a printable table.
import type { Memory } from "./processes.js";

export type Mode = "unary" | "batch";
export type TargetName = "echo" | "engine";

/** The JSON line printed by bench/load.ts. */
export interface LoadResult {
	mode: Mode;
	concurrency: number;
	batchSize: number;
	calls: number;
	items: number;
	seconds: number;
	callsPerSec: number;
	itemsPerSec: number;
	p50Ms: number;
	p99Ms: number;
	p999Ms: number;
	maxMs: number;
	errors: Record<string, number>;
	/** Members with at least one item acknowledged without error in a call that counts. */
	distinctMembers: number;
	/** Absent in results recorded before these fields existed. */
	membersOrder?: "zipf" | "sequential";
	members?: number;
	/** --items (0 = none). */
	itemsTarget?: number;
	/** What ended the measured window. */
	stoppedBy?: "duration" | "items";
}

export const ONE_GIB = 2 ** 30;

/** The engine's --touch-members phase: N items to members m1..mN in order, RSS sampled each second. */
export interface TouchRun {
	members: number;
	result: LoadResult;
	/** Every member acknowledged (items and distinct members both reached N). */
	complete: boolean;
	/** Highest VmRSS among the 1 s samples. */
	maxSampledRssBytes: number;
	/** VmRSS and VmHWM right after the phase. */
	endRssBytes: number | null;
	endPeakRssBytes: number | null;
	/** max(sampled VmRSS, VmHWM at the end): VmHWM is the process' lifetime peak, earlier phases included. */
	peakRssBytes: number | null;
	withinOneGiB: boolean | null;
	/** Seconds since the phase started, VmRSS bytes. */
	rssSamples: { t: number; rssBytes: number }[];
}

export interface TargetRun {
	target: TargetName;
	repeat: number;
	results: Record<Mode, LoadResult>;
	/** Server memory sampled after the unary and batch phases (before any touch phase). */
	memory: Memory | null;
	touch?: TouchRun;
}

export interface ModeSummary {
	concurrency: number;
	batchSize: number;
	callsPerSec: number;
	itemsPerSec: number;
	p50Ms: number;
	p99Ms: number;
	p999Ms: number;
	/** Summed over all repeats, not a median: any error matters. */
	errors: Record<string, number>;
	distinctMembers: number;
}

export interface TouchSummary {
	members: number;
	runs: number;
	/** Medians over the repeats. */
	itemsPerSec: number;
	seconds: number;
	/** The lowest over the repeats. */
	distinctMembers: number;
	complete: boolean;
	/** The highest over the repeats. */
	peakRssBytes: number | null;
	peakRssMB: number | null;
	/** Every repeat's peak ≤ 1 GiB. */
	withinOneGiB: boolean | null;
	mode: ModeSummary;
}

export interface TargetSummary {
	runs: number;
	unary: ModeSummary;
	batch: ModeSummary;
	rssBytes: number | null;
	peakRssBytes: number | null;
	touch?: TouchSummary;
}

export interface Ratios {
	unaryCallsPerSec: number;
	batchItemsPerSec: number;
	unaryP99: number;
	batchP99: number;
}

export function median(xs: number[]): number {
	if (xs.length === 0) return Number.NaN;
	const s = [...xs].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function summarizeMode(results: LoadResult[]): ModeSummary {
	const med = (pick: (r: LoadResult) => number) => median(results.map(pick));
	const errors: Record<string, number> = {};
	for (const r of results)
		for (const [k, n] of Object.entries(r.errors))
			errors[k] = (errors[k] ?? 0) + n;
	return {
		concurrency: results[0].concurrency,
		batchSize: results[0].batchSize,
		callsPerSec: med((r) => r.callsPerSec),
		itemsPerSec: med((r) => r.itemsPerSec),
		p50Ms: med((r) => r.p50Ms),
		p99Ms: med((r) => r.p99Ms),
		p999Ms: med((r) => r.p999Ms),
		errors,
		distinctMembers: med((r) => r.distinctMembers),
	};
}

function summarizeTouch(touches: TouchRun[]): TouchSummary {
	const peaks = touches
		.map((t) => t.peakRssBytes)
		.filter((b): b is number => b !== null);
	const peak = peaks.length === touches.length ? Math.max(...peaks) : null;
	return {
		members: touches[0].members,
		runs: touches.length,
		itemsPerSec: median(touches.map((t) => t.result.itemsPerSec)),
		seconds: median(touches.map((t) => t.result.seconds)),
		distinctMembers: Math.min(...touches.map((t) => t.result.distinctMembers)),
		complete: touches.every((t) => t.complete),
		peakRssBytes: peak,
		peakRssMB: peak === null ? null : Math.round(peak / 2 ** 20),
		withinOneGiB: peak === null ? null : peak <= ONE_GIB,
		mode: summarizeMode(touches.map((t) => t.result)),
	};
}

export function summarize(runs: TargetRun[]): TargetSummary {
	const mems = runs.map((r) => r.memory).filter((m): m is Memory => m !== null);
	const touches = runs
		.map((r) => r.touch)
		.filter((t): t is TouchRun => t !== undefined);
	return {
		runs: runs.length,
		unary: summarizeMode(runs.map((r) => r.results.unary)),
		batch: summarizeMode(runs.map((r) => r.results.batch)),
		rssBytes: mems.length ? median(mems.map((m) => m.rssBytes)) : null,
		peakRssBytes: mems.length ? median(mems.map((m) => m.peakRssBytes)) : null,
		...(touches.length ? { touch: summarizeTouch(touches) } : {}),
	};
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** engine/echo: throughput ratios (1.0 = as fast as the ceiling) and p99 ratios (1.0 = no added latency). */
export function ratios(engine: TargetSummary, echo: TargetSummary): Ratios {
	return {
		unaryCallsPerSec: round2(engine.unary.callsPerSec / echo.unary.callsPerSec),
		batchItemsPerSec: round2(engine.batch.itemsPerSec / echo.batch.itemsPerSec),
		unaryP99: round2(engine.unary.p99Ms / echo.unary.p99Ms),
		batchP99: round2(engine.batch.p99Ms / echo.batch.p99Ms),
	};
}

const mb = (bytes: number | null) =>
	bytes === null ? "n/a" : `${Math.round(bytes / 2 ** 20)} MB`;
const errorCount = (e: Record<string, number>) =>
	Object.values(e).reduce((a, b) => a + b, 0);

function table(rows: string[][]): string {
	const widths = rows[0].map((_, c) =>
		Math.max(...rows.map((r) => r[c].length)),
	);
	// Numbers right-aligned, the two name columns left-aligned.
	return rows
		.map((r) =>
			r
				.map((cell, c) =>
					c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]),
				)
				.join("  "),
		)
		.join("\n");
}

export function formatReport(
	summaries: Partial<Record<TargetName, TargetSummary>>,
	ratio: Ratios | null,
): string {
	const rows: string[][] = [
		[
			"target",
			"mode",
			"in flight",
			"calls/s",
			"items/s",
			"p50 ms",
			"p99 ms",
			"p99.9 ms",
			"errors",
			"peak RSS",
		],
	];
	for (const [target, s] of Object.entries(summaries) as [
		TargetName,
		TargetSummary,
	][]) {
		for (const mode of ["unary", "batch"] as const) {
			const m = s[mode];
			rows.push([
				target,
				mode === "unary" ? "Earn" : `SubmitBatch x${m.batchSize}`,
				String(m.concurrency),
				Math.round(m.callsPerSec).toLocaleString("en-US"),
				Math.round(m.itemsPerSec).toLocaleString("en-US"),
				m.p50Ms.toFixed(2),
				m.p99Ms.toFixed(2),
				m.p999Ms.toFixed(2),
				String(errorCount(m.errors)),
				mode === "unary" ? mb(s.peakRssBytes) : "",
			]);
		}
		if (s.touch) {
			const m = s.touch.mode;
			rows.push([
				target,
				`touch ${s.touch.members.toLocaleString("en-US")} x${m.batchSize}`,
				String(m.concurrency),
				Math.round(m.callsPerSec).toLocaleString("en-US"),
				Math.round(m.itemsPerSec).toLocaleString("en-US"),
				m.p50Ms.toFixed(2),
				m.p99Ms.toFixed(2),
				m.p999Ms.toFixed(2),
				String(errorCount(m.errors)),
				mb(s.touch.peakRssBytes),
			]);
		}
	}
	const lines = [table(rows)];
	for (const [target, s] of Object.entries(summaries)) {
		for (const mode of ["unary", "batch"] as const) {
			if (errorCount(s[mode].errors) > 0)
				lines.push(
					`WARNING ${target} ${mode} errors: ${JSON.stringify(s[mode].errors)}`,
				);
		}
		if (s.touch && errorCount(s.touch.mode.errors) > 0)
			lines.push(
				`WARNING ${target} touch errors: ${JSON.stringify(s.touch.mode.errors)}`,
			);
	}
	for (const [target, s] of Object.entries(summaries)) {
		const t = s.touch;
		if (!t) continue;
		const within =
			t.withinOneGiB === null ? "n/a" : t.withinOneGiB ? "yes" : "NO";
		lines.push(
			"",
			`${target} touch: ${t.distinctMembers.toLocaleString("en-US")} of ${t.members.toLocaleString("en-US")} distinct members` +
				` in ${t.seconds} s (${Math.round(t.itemsPerSec).toLocaleString("en-US")} items/s)` +
				`${t.complete ? "" : " INCOMPLETE"}; peak RSS ${mb(t.peakRssBytes)}, <= 1 GiB: ${within}` +
				(t.runs > 1 ? ` (${t.runs} runs: median time, fewest members, highest peak)` : ""),
		);
	}
	if (ratio) {
		lines.push(
			"",
			`engine/echo  Earn calls/s ${ratio.unaryCallsPerSec}x  SubmitBatch items/s ${ratio.batchItemsPerSec}x` +
				`  |  p99 Earn ${ratio.unaryP99}x  SubmitBatch ${ratio.batchP99}x`,
		);
	}
	return lines.join("\n");
}
