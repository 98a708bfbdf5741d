// The programs a shard decides with: the current version per tenant, and the built-in default
// (version 0: 1 point per yuan, one tier, nothing expires) for tenants that have none.

import { parseProgram } from '../rules/program/program-schema.js';
import type { Program } from '../rules/program/program.js';

export class ProgramBook {
  private readonly programs = new Map<string, Program>();
  private readonly defaults = new Map<string, Program>();

  constructor(programs: Program[] = []) {
    this.install(programs);
  }

  /** Newer versions replace older ones; an older version arriving late is ignored. */
  install(programs: Program[]): void {
    for (const program of programs) {
      const current = this.programs.get(program.tenantId);
      if (!current || current.version < program.version) this.programs.set(program.tenantId, program);
    }
  }

  programFor(tenantId: string): Program {
    return this.programs.get(tenantId) ?? this.defaultFor(tenantId);
  }

  private defaultFor(tenantId: string): Program {
    let program = this.defaults.get(tenantId);
    if (!program) {
      program = defaultProgram(tenantId);
      this.defaults.set(tenantId, program);
    }
    return program;
  }
}

/** The program of a tenant that has none: every default of the program document, version 0. */
export function defaultProgram(tenantId: string): Program {
  const parsed = parseProgram({}, { tenantId, version: 0 });
  if (!parsed.ok) throw new Error(`the empty program document must be valid: ${JSON.stringify(parsed.errors)}`);
  return parsed.program;
}
