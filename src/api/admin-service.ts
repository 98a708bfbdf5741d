// AdminService handlers: program documents. PutProgram validates and stores the next version, then
// installs it in every shard before answering, so a command sent after the answer decides with it.
// ImportLots (legacy import) lives in import-lots.ts.

import { reject } from '../actor/rejections.js';
import type { AdminServiceHandlers } from '../contract/generated/jifen/v1/AdminService.js';
import type { Engine } from '../front/engine.js';
import type { ProgramRegistry } from '../front/program-registry.js';
import type { ProgramFormat } from '../rules/program/program-loader.js';
import { decodeTenant } from './decode.js';
import { importLots } from './import-lots.js';
import { reportHandlers } from './report-service.js';
import { reviewQueueHandlers } from './review-queue.js';
import { RejectionError } from './status.js';
import { unary } from './unary-call.js';
import type { EngineMetrics } from '../metrics/registry.js';

export interface AdminServiceDeps {
  engine: Engine;
  programs: ProgramRegistry;
  metrics: EngineMetrics;
}

/** Program documents are small; anything larger is a mistake, not a program. */
const MAX_DOCUMENT_BYTES = 1024 * 1024;

/** AdminService methods but the points mall's (rewards-service.ts); server.ts checks that together they are all. */
export function adminServiceHandlers(deps: AdminServiceDeps) {
  return {
    PutProgram: unary(deps, 'PutProgram', async (req) => {
      const tenantId = decodeTenant(req.tenant_id);
      const document = String(req.document ?? '');
      if (document.trim() === '') throw new RejectionError(reject.invalidField('document', 'is required'));
      if (Buffer.byteLength(document) > MAX_DOCUMENT_BYTES) {
        throw new RejectionError(reject.invalidField('document', `must be at most ${MAX_DOCUMENT_BYTES} bytes`));
      }
      const expected = req.expected_version ?? undefined;
      if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 0)) {
        throw new RejectionError(reject.invalidField('expected_version', 'must be a non-negative integer'));
      }
      const outcome = await deps.programs.put(tenantId, document, formatOf(req.format), expected);
      if (!outcome.ok) throw new RejectionError(outcome.rejection);
      await deps.engine.installPrograms([outcome.program]);
      return { tenant_id: tenantId, version: outcome.program.version };
    }),
    GetProgram: unary(deps, 'GetProgram', async (req) => {
      const tenantId = decodeTenant(req.tenant_id);
      const version = Number(req.version ?? 0);
      if (!Number.isSafeInteger(version) || version < 0) {
        throw new RejectionError(reject.invalidField('version', 'must be a non-negative integer'));
      }
      const stored = await deps.programs.get(tenantId, version);
      if (!stored) throw new RejectionError(reject.programNotFound(tenantId, version));
      return {
        tenant_id: tenantId,
        version: stored.program.version,
        document: stored.document,
        format: stored.format === 'json' ? 'DOCUMENT_FORMAT_JSON' : 'DOCUMENT_FORMAT_YAML',
        normalized_json: JSON.stringify(stored.program),
      };
    }),
    ImportLots: unary(deps, 'ImportLots', (req, deadline) => importLots(deps.engine, req, deadline)),
    ...reviewQueueHandlers(deps),
    ...reportHandlers(deps),
  } satisfies Partial<AdminServiceHandlers>;
}

function formatOf(format: string | undefined): ProgramFormat {
  return format === 'DOCUMENT_FORMAT_JSON' ? 'json' : 'yaml';
}
