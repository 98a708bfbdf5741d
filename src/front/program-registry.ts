// Every tenant's program versions, kept durably in the shared files beside the ledger
// (programs/<tenant>/<version>.json: the document as authored and its normalised form; the data
// directory with the embedded ledger, the keyspace with Cassandra). The front owns it: PutProgram validates, writes
// the next version and hands it to every shard; shards decide with the version they were given.

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

export class ProgramRegistry {
  private readonly current = new Map<string, StoredProgram>();
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(private readonly files: SharedFiles) {}

  /** Loads the newest version of every tenant from `programs/`. */
  static async open(files: SharedFiles): Promise<ProgramRegistry> {
    const registry = new ProgramRegistry(files);
    for (const tenantDir of await files.list(PROGRAMS)) {
      const versions = (await files.list(`${PROGRAMS}/${tenantDir}`)).filter((f) => /^\d+\.json$/.test(f));
      if (versions.length === 0) continue;
      const newest = Math.max(...versions.map((f) => Number.parseInt(f, 10)));
      const tenantId = decodeURIComponent(tenantDir);
      const stored = await registry.readVersion(tenantId, newest);
      if (!stored) continue;
      // The document is parsed again: a program saved by an older engine gets the defaults of fields
      // added since, instead of running with them missing.
      const parsed = parseProgramText(stored.document, stored.format, { tenantId, version: newest }, tenantId);
      if (!parsed.ok) throw new Error(`stored program ${tenantId} v${newest} no longer validates: ${formatProgramErrors(parsed.errors)}`);
      registry.current.set(tenantId, { ...stored, program: parsed.program });
    }
    return registry;
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

  /** Validates and durably stores the next version; one put at a time, so versions never collide. */
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
    const currentVersion = this.current.get(tenantId)?.program.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
      return { ok: false, rejection: reject.programVersionConflict(tenantId, expectedVersion, currentVersion) };
    }
    const parsed = parseProgramText(document, format, { tenantId, version: currentVersion + 1 }, tenantId);
    if (!parsed.ok) return { ok: false, rejection: reject.invalidField('document', formatProgramErrors(parsed.errors)) };
    const stored: StoredProgram = { program: parsed.program, document, format };
    await this.writeVersion(stored);
    this.current.set(tenantId, stored);
    return { ok: true, program: parsed.program };
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

  /** An acknowledged PutProgram survives a crash. */
  private async writeVersion(stored: StoredProgram): Promise<void> {
    await this.files.write(`${this.tenantDir(stored.program.tenantId)}/${stored.program.version}.json`, JSON.stringify(stored));
  }
}
