// The engine's small shared documents — program versions, the reward catalog, the ledger layout, the
// lottery secret — kept where the ledger is: files in the data directory beside the embedded ledger,
// rows of Cassandra's shared_files table beside the Cassandra one, so every engine process on one
// keyspace decides with the same programs and catalog. Paths are `/`-separated and relative.

export interface SharedFiles {
  /** The stored text, or undefined when nothing is stored at path. */
  read(path: string): Promise<string | undefined>;
  /** Stores text at path, replacing what was there; resolves once it is durable. */
  write(path: string, text: string): Promise<void>;
  /** Stores text only if nothing is stored at path yet; resolves with what is stored afterwards (the first writer's text). */
  create(path: string, text: string): Promise<string>;
  /** Names directly under dir (files and folders), sorted; [] when dir holds nothing. */
  list(dir: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Splits `a/b/c.json` into its folder `a/b` and name `c.json` (`` for a top-level name). */
export function splitPath(path: string): { dir: string; name: string } {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? { dir: '', name: path } : { dir: path.slice(0, cut), name: path.slice(cut + 1) };
}
