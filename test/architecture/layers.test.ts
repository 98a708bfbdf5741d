// The import rules of ../shared/STYLE.md, checked on the source: a folder of src/ imports only
// folders below it on the data path, and no file imports itself back through any chain.
// Read the layer table top to bottom like the path of one Earn: the gRPC handler (api), the main
// thread (front), the shard thread (shard), the I/O parts, the pure core (actor, rules) and the
// leaves everyone may use.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LAYERS: readonly (readonly string[])[] = [
  ['main.ts', 'cli'], // process entries
  ['api'], // gRPC handlers
  ['auth'], // API keys: the engine's key book and their store
  ['front'], // main thread: engine, router, mailboxes, sagas' drivers
  ['cluster'], // slot ownership and forwarding between nodes
  ['shard'], // shard thread: worker, batch transaction, actor cache
  ['risk'], // I/O of anti-abuse (cross-member windows)
  ['events'], // event bus, outbox relay
  ['cache'], // balance cache
  ['ledger'], // ledger stores
  ['reports'], // pure report math: the roll-forward and the member audit, over the actor's entries and state
  ['actor'], // the pure core (actor/risk: its pure anti-abuse parts)
  ['rules'], // program document and pure rules
  ['contract', 'metrics', 'config'], // leaves: proto loading, metric registry, config
];

const SRC = resolve(import.meta.dirname, '../../src');

describe('source layout', () => {
  const graph = importGraph(SRC);

  it('every folder imports only folders below it on the data path (api → front → shard → … → actor → rules)', () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      for (const target of targets) {
        const to = folderOf(target);
        if (from === to) continue;
        if (!(layerOf(to) > layerOf(from))) violations.push(`${from} → ${to}: ${file} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('no file imports itself back through a chain of imports (no cycles, also inside a folder)', () => {
    expect(cyclesOf(graph).map((cycle) => `files importing each other: ${cycle.join(', ')}`)).toEqual([]);
  });

  it('knows every folder of src/ (a new folder takes its place in the layer table)', () => {
    const unknown = [...new Set([...graph.keys()].map(folderOf))].filter((folder) => layerOf(folder) < 0);
    expect(unknown).toEqual([]);
  });
});

/** The first path segment under src/ (`actor/risk/screen.ts` → `actor`), or the file itself at the top. */
function folderOf(file: string): string {
  return file.split('/')[0];
}

function layerOf(folder: string): number {
  return LAYERS.findIndex((layer) => layer.includes(folder));
}

/** file (relative to src/) → the src/ files it imports: static and dynamic imports, re-exports, worker URLs. */
function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const path of sourceFiles(root)) {
    const text = readFileSync(path, 'utf8');
    const specifiers = [
      ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+['"](\.[^'"]+)['"]/gm),
      ...text.matchAll(/^\s*import\s+['"](\.[^'"]+)['"]/gm),
      ...text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g),
      ...text.matchAll(/new URL\(\s*[`'"](\.[^`'"$]+)/g),
    ].map((match) => match[1]);
    const targets = specifiers
      .map((specifier) => relative(root, resolve(dirname(path), specifier)).replace(/\.js$/, '.ts'))
      .map((target) => (target.endsWith('.ts') ? target : `${target}.ts`))
      .filter((target) => !target.startsWith('..'));
    graph.set(relative(root, path), [...new Set(targets)]);
  }
  return graph;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Strongly connected components with more than one file (or a file importing itself), by Tarjan. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter++);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.includes(file)) cycles.push(component.sort());
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return cycles;
}
