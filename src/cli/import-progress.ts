// Progress of a running import on stderr: a bar redrawn in place on a terminal, a plain line every
// few seconds otherwise (logs, CI), so a long import shows it is alive either way.

export interface ProgressCounts {
  /** Rows answered so far (imported, already imported or rejected). */
  done: number;
  imported: number;
  alreadyImported: number;
  rejected: number;
  /** Share of the file read, 0..1; undefined when the size is unknown. */
  fraction: number | undefined;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** How often a terminal redraws (default 200 ms) and how often a plain line is written (default 5 s). */
  ttyIntervalMs?: number;
  plainIntervalMs?: number;
  clock?: () => number;
}

export class ImportProgress {
  private timer: NodeJS.Timeout | undefined;
  private readonly started: number;
  private readonly clock: () => number;
  private readonly tty: boolean;

  constructor(
    private readonly out: ProgressStream,
    private readonly counts: () => ProgressCounts,
    private readonly options: ProgressOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.started = this.clock();
    this.tty = out.isTTY === true;
  }

  start(): void {
    const every = this.tty ? (this.options.ttyIntervalMs ?? 200) : (this.options.plainIntervalMs ?? 5_000);
    this.timer = setInterval(() => this.render(), every);
    this.timer.unref();
  }

  /** The last state, ending the bar's line on a terminal. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.render();
    if (this.tty) this.out.write('\n');
  }

  private render(): void {
    const line = progressLine(this.counts(), this.clock() - this.started, this.tty);
    this.out.write(this.tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }
}

const BAR_WIDTH = 24;

export function progressLine(c: ProgressCounts, elapsedMs: number, bar: boolean): string {
  const rate = elapsedMs > 0 ? Math.round((c.done * 1000) / elapsedMs) : 0;
  const tally = `imported ${n(c.imported)}, already imported ${n(c.alreadyImported)}, rejected ${n(c.rejected)}`;
  const percent = c.fraction === undefined ? '' : `${Math.floor(c.fraction * 100)}%`;
  if (!bar) return `import: ${n(c.done)} rows${percent ? ` (${percent} of the file read)` : ''}, ${n(rate)} rows/s; ${tally}`;
  const filled = c.fraction === undefined ? 0 : Math.min(BAR_WIDTH, Math.floor(c.fraction * BAR_WIDTH));
  const meter = c.fraction === undefined ? '' : `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent.padStart(4)} `;
  return `${meter}${n(c.done)} rows  ${n(rate)} rows/s  (${tally})`;
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}
