// Flag values the bench scripts share: whole numbers with a floor, and repeatable KEY=VALUE pairs
// (extra environment for an engine).

export function count(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer ≥ ${min}, got ${raw}`);
  return n;
}

/** `--flag KEY=VALUE` given any number of times, as an environment (a later KEY wins). */
export function keyValues(flag: string, pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of pairs) {
    const at = kv.indexOf('=');
    if (at <= 0) throw new Error(`--${flag}: expected KEY=VALUE, got ${kv}`);
    env[kv.slice(0, at)] = kv.slice(at + 1);
  }
  return env;
}
