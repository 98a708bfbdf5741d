// Program documents from text and from a directory of files (deploy/programs/ at start, the admin
// API's PutProgram body). Only parsing and I/O live here; what a valid program is, is program-schema.ts.

import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { DOCUMENT_LIMITS, documentLimitBroken } from './document-limits.js';
import { LineCounter, parseDocument } from 'yaml';
import type { Program } from './program.js';
import {
  formatProgramError,
  type ParseProgramOptions,
  type ParseProgramResult,
  parseProgram,
  type ProgramError,
} from './program-schema.js';

export type ProgramFormat = 'yaml' | 'json';

export interface ProgramFile {
  /** The file name inside the directory, e.g. `acme.yaml`. */
  file: string;
  tenantId: string;
  program: Program;
  /** The document as read, and its format: what a registry stores as authored. */
  text: string;
  format: ProgramFormat;
}

/** Either every program of the directory, or every error: a half-loaded set must not start serving. */
export type LoadProgramsResult = { ok: true; programs: ProgramFile[] } | { ok: false; errors: string[] };

/**
 * Reads every `*.yaml`, `*.yml` and `*.json` file directly in `dir` (not below it; names starting
 * with `.` are skipped, as editors leave such files). A file's tenant is its `tenant_id`, else its
 * name without the extension. Programs get version 1. Errors read `acme.yaml: rules[3].multiplier must be >= 1`.
 */
export async function loadProgramDirectory(dir: string): Promise<LoadProgramsResult> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries.filter((e) => e.isFile() && !e.name.startsWith('.') && programFormatOf(e.name)).map((e) => e.name);
  } catch (error) {
    return { ok: false, errors: [`${dir}: cannot be read: ${(error as Error).message}`] };
  }
  names.sort();

  const programs: ProgramFile[] = [];
  const errors: string[] = [];
  for (const file of names) {
    let text: string;
    try {
      text = await readFile(join(dir, file), 'utf8');
    } catch (error) {
      errors.push(`${file}: cannot be read: ${(error as Error).message}`);
      continue;
    }
    const fileTenant = basename(file, extname(file));
    const format = programFormatOf(file) as ProgramFormat;
    const result = parseProgramText(text, format, { version: 1 }, fileTenant);
    if (result.ok) programs.push({ file, tenantId: result.program.tenantId, program: result.program, text, format });
    else for (const e of result.errors) errors.push(`${file}: ${formatProgramError(e)}`);
  }

  const fileOfTenant = new Map<string, string>();
  for (const { file, tenantId } of programs) {
    const first = fileOfTenant.get(tenantId);
    if (first) errors.push(`${file}: tenant ${tenantId} is already defined by ${first}`);
    else fileOfTenant.set(tenantId, file);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, programs };
}

/**
 * Parses and validates a program document given as text. Syntax errors, including a key given
 * twice (which JSON.parse and most YAML readers would silently resolve to the last value), come
 * back as errors at path `document`. `fallbackTenantId` is used only when the document has no tenant_id.
 */
export function parseProgramText(
  text: string,
  format: ProgramFormat,
  options: ParseProgramOptions,
  fallbackTenantId?: string,
): ParseProgramResult {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const broken = documentLimitBroken(source);
  if (broken) return { ok: false, errors: [{ path: 'document', message: broken }] };
  const read = format === 'json' ? readJson(source) : readYaml(source);
  if ('errors' in read) return { ok: false, errors: read.errors };
  const hasTenant = typeof read.document === 'object' && read.document !== null && 'tenant_id' in read.document;
  const tenantId = options.tenantId ?? (hasTenant ? undefined : fallbackTenantId);
  return parseProgram(read.document, { ...options, tenantId });
}

/** The format a file name implies, or undefined for files that are not programs. */
export function programFormatOf(fileName: string): ProgramFormat | undefined {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.json') return 'json';
  return undefined;
}

type Read = { document: unknown } | { errors: ProgramError[] };

function readYaml(text: string): Read {
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: `2025-01-01` and `11-11` stay strings; uniqueKeys rejects a repeated key.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length === 0) {
    try {
      return { document: doc.toJS({ maxAliasCount: DOCUMENT_LIMITS.maxAliases }) };
    } catch (error) {
      // The yaml library refuses alias expansion beyond maxAliasCount by throwing.
      return {
        errors: [{ path: 'document', message: `expands more than ${DOCUMENT_LIMITS.maxAliases} aliases (${(error as Error).message})` }],
      };
    }
  }
  return {
    errors: doc.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return { path: 'document', message: `is not valid YAML at line ${line}, column ${col}: ${e.message}` };
    }),
  };
}

function readJson(text: string): Read {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { errors: [{ path: 'document', message: `is not valid JSON: ${(error as Error).message}` }] };
  }
  // JSON.parse keeps the last of two equal keys; JSON is YAML, so the YAML reader finds them.
  const lineCounter = new LineCounter();
  const duplicates = parseDocument(text, { lineCounter, schema: 'json', uniqueKeys: true }).errors.filter(
    (e) => e.code === 'DUPLICATE_KEY',
  );
  if (duplicates.length === 0) return { document };
  return {
    errors: duplicates.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return { path: 'document', message: `has a duplicate key at line ${line}, column ${col}` };
    }),
  };
}
