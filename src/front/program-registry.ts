// Every tenant's program versions, kept durably in the shared files beside the ledger
// (programs/<tenant>/<version>.json: the document as authored and its normalised form; the data
// directory with the embedded ledger, the keyspace with Cassandra). The front owns it: PutProgram validates, writes
// the next version and hands it to every shard; shards decide with the version they were given.
// refresh() takes up the versions other engine processes on the same shared files stored since.

import { type Rejection, reject } from '../actor/rejections.js';
import { type ProgramFormat, loadProgramDirectory, parseProgramText } from '../rules/program/program-loader.js';
import type { Program } from '../rules/program/program.js';
import { formatProgramErrors } from '../rules/program/program-schema.js';
import type { SharedFiles } from '../ledger/shared-files.js';

/** The text of the document last installed from JIFEN_PROGRAMS_DIR, per tenant. */
const FROM_DIRECTORY = 'from-directory.txt';
const PROGRAMS = 'programs';

export interface StoredProgram {
  program: Program;
  document: string;
  format: ProgramFormat;
}

export type PutOutcome = { ok: true; program: Program } | { ok: false; rejection: Rejection };

export interface ProgramRefresh {
  /** Versions newer than the ones held before, now held: the engine's shards need them too. */
  programs: Program[];
  /** Tenants whose newest version could not be taken up this time (the version held stays in use). */
  errors: string[];
}

/** Puts that lose the race for a version number to another engine this many times in a row give up. */
const PUT_ATTEMPTS = 3;

export class ProgramRegistry {
  private readonly current = new Map<string, StoredProgram>();
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(private readonly files: SharedFiles) {}

  /** Loads the newest version of every tenant from `programs/`. */
  static async open(files: SharedFiles): Promise<ProgramRegistry> {
    const registry = new ProgramRegistry(files);
    const { errors } = await registry.refreshNow();
    if (errors.length > 0) throw new Error(errors.join('; '));
    return registry;
  }

  /**
   * Takes up the versions other engine processes on the same shared files wrote since: one listing
   * of `programs/` and one per tenant, and a read only where a newer version is on file. Never goes
   * back to an older version, and a version this registry wrote itself is already held, so it is
   * not returned again. Runs between puts. A tenant that fails is named in errors and tried again
   * on the next refresh; a failed listing rejects.
   */
  refresh(): Promise<ProgramRefresh> {
    const run = this.writes.then(() => this.refreshNow());
    this.writes = run.catch(() => {});
    return run;
  }

  /**
   * Installs the documents of a directory at start: a tenant whose document differs from its
   * current one gets a new version. Any invalid file refuses the whole start (errors name file and path).
   */
  async installDirectory(dir: string): Promise<{ installed: Program[]; errors: string[] }> {
    const loaded = await loadProgramDirectory(dir);
    if (!loaded.ok) return { installed: [], errors: loaded.errors };
    const installed: Program[] = [];
    for (const { file, tenantId, text, format } of loaded.programs) {
      // Only a file that changed since it was last installed from the directory becomes a new version:
      // a PutProgram made since must survive a restart with the same directory.
      if ((await this.lastFromDirectory(tenantId)) === text) continue;
      const outcome = await this.put(tenantId, text, format, undefined);
      if (!outcome.ok) return { installed, errors: [`${file}: ${outcome.rejection.message}`] };
      await this.rememberFromDirectory(tenantId, text);
      installed.push(outcome.program);
    }
    return { installed, errors: [] };
  }

  programs(): Program[] {
    return [...this.current.values()].map((s) => s.program);
  }

  programFor(tenantId: string): Program | undefined {
    return this.current.get(tenantId)?.program;
  }

  /** A stored version (0 = the current one), or undefined. */
  async get(tenantId: string, version: number): Promise<StoredProgram | undefined> {
    const current = this.current.get(tenantId);
    if (version === 0 || version === current?.program.version) return current;
    return this.readVersion(tenantId, version);
  }

  /**
   * Validates and durably stores the next version after the newest on file. One put at a time here;
   * between engines, a version number goes to the first to store it and the other counts again.
   */
  put(tenantId: string, document: string, format: ProgramFormat, expectedVersion: number | undefined): Promise<PutOutcome> {
    const run = this.writes.then(() => this.putNow(tenantId, document, format, expectedVersion));
    this.writes = run.catch(() => {});
    return run;
  }

  private async putNow(
    tenantId: string,
    document: string,
    format: ProgramFormat,
    expectedVersion: number | undefined,
  ): Promise<PutOutcome> {
    let currentVersion = 0;
    for (let attempt = 0; attempt < PUT_ATTEMPTS; attempt++) {
      // The newest version on file, not only the one held: another engine on the same shared files
      // may have stored one since this registry last refreshed.
      currentVersion = Math.max(this.current.get(tenantId)?.program.version ?? 0, await this.newestOnFile(tenantId));
      if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
        return { ok: false, rejection: reject.programVersionConflict(tenantId, expectedVersion, currentVersion) };
      }
      const parsed = parseProgramText(document, format, { tenantId, version: currentVersion + 1 }, tenantId);
      if (!parsed.ok) return { ok: false, rejection: reject.invalidField('document', formatProgramErrors(parsed.errors)) };
      const stored: StoredProgram = { program: parsed.program, document, format };
      if (await this.createVersion(stored)) {
        this.current.set(tenantId, stored);
        return { ok: true, program: parsed.program };
      }
    }
    return { ok: false, rejection: reject.programVersionConflict(tenantId, currentVersion, currentVersion + 1) };
  }

  private async refreshNow(): Promise<ProgramRefresh> {
    const programs: Program[] = [];
    const errors: string[] = [];
    for (const tenantDir of await this.files.list(PROGRAMS)) {
      try {
        const tenantId = decodeURIComponent(tenantDir);
        const newest = await this.newestOnFile(tenantId);
        // seq guard: an older version on file (or the one held) never replaces the one held
        if (newest <= (this.current.get(tenantId)?.program.version ?? 0)) continue;
        const stored = await this.loadVersion(tenantId, newest);
        if (!stored) continue;
        this.current.set(tenantId, stored);
        programs.push(stored.program);
      } catch (err) {
        errors.push(`programs/${tenantDir}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return { programs, errors };
  }

  /** The highest version number on file for the tenant, 0 when none. */
  private async newestOnFile(tenantId: string): Promise<number> {
    const versions = (await this.files.list(this.tenantDir(tenantId))).filter((f) => /^\d+\.json$/.test(f));
    return versions.reduce((newest, f) => Math.max(newest, Number.parseInt(f, 10)), 0);
  }

  /**
   * A stored version parsed again: a program saved by an older engine gets the defaults of fields
   * added since, instead of running with them missing.
   */
  private async loadVersion(tenantId: string, version: number): Promise<StoredProgram | undefined> {
    const stored = await this.readVersion(tenantId, version);
    if (!stored) return undefined;
    const parsed = parseProgramText(stored.document, stored.format, { tenantId, version }, tenantId);
    if (!parsed.ok) throw new Error(`stored program ${tenantId} v${version} no longer validates: ${formatProgramErrors(parsed.errors)}`);
    return { ...stored, program: parsed.program };
  }

  private lastFromDirectory(tenantId: string): Promise<string | undefined> {
    return this.files.read(`${this.tenantDir(tenantId)}/${FROM_DIRECTORY}`);
  }

  private async rememberFromDirectory(tenantId: string, text: string): Promise<void> {
    await this.files.write(`${this.tenantDir(tenantId)}/${FROM_DIRECTORY}`, text);
  }

  private tenantDir(tenantId: string): string {
    return `${PROGRAMS}/${encodeURIComponent(tenantId)}`;
  }

  private async readVersion(tenantId: string, version: number): Promise<StoredProgram | undefined> {
    const text = await this.files.read(`${this.tenantDir(tenantId)}/${version}.json`);
    return text === undefined ? undefined : (JSON.parse(text) as StoredProgram);
  }

  /**
   * Stores a version only if no engine stored that number first (a lightweight transaction on
   * Cassandra): true when this text is what is stored. An acknowledged PutProgram survives a crash.
   */
  private async createVersion(stored: StoredProgram): Promise<boolean> {
    const text = JSON.stringify(stored);
    return (await this.files.create(`${this.tenantDir(stored.program.tenantId)}/${stored.program.version}.json`, text)) === text;
  }
}
