// Small configuration files the engine keeps in its data directory (programs, the reward catalog).

import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Write, fsync, rename, fsync the directory: an acknowledged change survives a crash, whole or not at all. */
export async function writeFileDurably(file: string, text: string): Promise<void> {
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
