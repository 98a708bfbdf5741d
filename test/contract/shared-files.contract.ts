// The SharedFiles contract (programs, catalog, layout, lottery secret beside the ledger): every
// backend runs it. `open` opens the backend on its current data, so a second open sees what the
// first wrote, as a second engine process on the same ledger does; `cleanup` wipes that data.

import { afterEach, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../src/auth/audit-trail.js';
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

    it('holds the audit trail: a tenant window oldest first, paged without gaps, other tenants and days apart', async () => {
      const trail = new AuditTrail(await fresh());
      const day = Date.UTC(2026, 10, 11);
      const at = [day - 1_000, day + 5_000, day + 1_000, day + 86_400_000 + 7, day + 3_000];
      const base = {
        keyId: 'k1',
        role: 'operator',
        method: 'PointsService.Adjust',
        requestJson: '{}',
        reason: 'r',
        outcome: 'OK',
        outcomeMessage: '',
        peer: 'p',
      };
      for (const [i, t] of at.entries()) await trail.record({ ...base, at: t, tenantId: 'acme', reason: `r${i}` });
      await trail.record({ ...base, at: day + 2_000, tenantId: 'bravo' });
      await trail.record({ ...base, at: day + 2_500, tenantId: '' });
      const reader = new AuditTrail(await fresh());
      const window = { tenantId: 'acme', since: day, until: day + 2 * 86_400_000 };
      const all = await reader.list({ ...window, limit: 100 });
      expect(all.records.map((r) => r.reason)).toEqual(['r2', 'r4', 'r1', 'r3']);
      expect(all.next).toBeUndefined();
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await reader.list({ ...window, limit: 3, after });
        seen.push(...page.records.map((r) => r.reason));
        after = page.next;
      } while (after !== undefined);
      expect(seen).toEqual(['r2', 'r4', 'r1', 'r3']);
      expect((await reader.list({ tenantId: '', since: day, until: day + 86_400_000, limit: 10 })).records).toHaveLength(1);
      // A refused call naming no valid tenant cannot write outside the trail: it is kept under _invalid.
      const hostile = await trail.record({ ...base, at: day + 4_000, tenantId: '../../escape' });
      expect(hostile.id).toMatch(/^2026-11-11\//);
      expect(await (await fresh()).list('audit')).toEqual(['_invalid', '_platform', 'acme', 'bravo']);
      // A valid tenant id with dots in it is its own folder (one segment: the pattern has no '/').
      await trail.record({ ...base, at: day + 4_500, tenantId: 'a..b', reason: 'dots' });
      expect(
        (await reader.list({ tenantId: 'a..b', since: day, until: day + 86_400_000, limit: 10 })).records.map((r) => r.reason),
      ).toEqual(['dots']);
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
