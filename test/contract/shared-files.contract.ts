// The SharedFiles contract (programs, catalog, layout, lottery secret beside the ledger): every
// backend runs it. `open` opens the backend on its current data, so a second open sees what the
// first wrote, as a second engine process on the same ledger does; `cleanup` wipes that data.

import { afterEach, describe, expect, it } from 'vitest';
import type { SharedFiles } from '../../src/ledger/shared-files.js';

export function sharedFilesContract(name: string, open: () => Promise<SharedFiles>, cleanup: () => Promise<void>): void {
  describe(`SharedFiles contract: ${name}`, () => {
    const opened: SharedFiles[] = [];
    const fresh = async () => {
      const files = await open();
      opened.push(files);
      return files;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((f) => f.close()));
      await cleanup();
    });

    const rows = [
      ['a top-level file', 'layout.json'],
      ['a file two folders down', 'programs/acme%2Fcn/3.json'],
      ['text with quotes, newlines and 中文', 'rewards/t.json'],
    ] as const;
    for (const [what, path] of rows) {
      it(`reads back ${what} from another opening, and undefined before it is written`, async () => {
        const writer = await fresh();
        expect(await writer.read(path)).toBeUndefined();
        const text = `{"x":"'\\"\\n积分"}\n${path}`;
        await writer.write(path, text);
        expect(await (await fresh()).read(path)).toBe(text);
      });
    }

    it('a write replaces the text; create keeps the first text and answers it', async () => {
      const files = await fresh();
      expect(await files.create('draw-secret', 'first')).toBe('first');
      expect(await (await fresh()).create('draw-secret', 'second')).toBe('first');
      expect(await files.read('draw-secret')).toBe('first');
      await files.write('draw-secret', 'third');
      expect(await files.read('draw-secret')).toBe('third');
    });

    it('lists the names directly under a folder, files and sub-folders, sorted; [] for an unknown folder', async () => {
      const files = await fresh();
      await files.write('programs/b/1.json', '1');
      await files.write('programs/b/2.json', '2');
      await files.write('programs/a/1.json', '1');
      await files.write('programs/a/from-directory.txt', 'x');
      const other = await fresh();
      expect(await other.list('programs')).toEqual(['a', 'b']);
      expect(await other.list('programs/a')).toEqual(['1.json', 'from-directory.txt']);
      expect(await other.list('nothing/here')).toEqual([]);
    });
  });
}
