// The SharedFiles contract on the embedded backend: files under a data directory, a fresh one per test.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirFiles } from '../../src/ledger/embedded/data-dir-files.js';
import { sharedFilesContract } from './shared-files.contract.js';

let dir: string | undefined;
sharedFilesContract(
  'DataDirFiles',
  async () => {
    dir ??= mkdtempSync(join(tmpdir(), 'jifen-files-'));
    return new DataDirFiles(dir);
  },
  async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  },
);
