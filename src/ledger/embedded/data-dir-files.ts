// SharedFiles as files under the data directory (the embedded default): each write goes to a temp
// file, is fsynced and renamed over the old one, and the folder is fsynced, so an acknowledged change
// survives a crash whole or not at all.

import { existsSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SharedFiles } from '../shared-files.js';

export class DataDirFiles implements SharedFiles {
  constructor(private readonly dataDir: string) {}

  async read(path: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.dataDir, path), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  write(path: string, text: string): Promise<void> {
    return writeFileDurably(join(this.dataDir, path), text);
  }

  // One engine process owns a data directory, so check-then-write cannot race another writer.
  async create(path: string, text: string): Promise<string> {
    const stored = await this.read(path);
    if (stored !== undefined) return stored;
    await this.write(path, text);
    return text;
  }

  async list(dir: string): Promise<string[]> {
    const folder = join(this.dataDir, dir);
    if (!existsSync(folder)) return [];
    return (await readdir(folder)).filter((name) => !name.endsWith('.tmp')).sort();
  }

  async close(): Promise<void> {}
}

/** Write, fsync, rename, fsync the directory. */
async function writeFileDurably(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
