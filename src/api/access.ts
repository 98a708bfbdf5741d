// The one decision whether an authenticated key may make a call: its role must hold the method (and,
// in a SubmitBatch, the method each command stands for) and every tenant the request names must be
// the key's own (a platform key may name any). Pure: the interceptor feeds it the decoded request.

import type { Role } from '../auth/api-key.js';
import type { Caller } from '../auth/caller.js';
import { BATCH_COMMAND_METHODS, POINTS_SERVICE_ROLES, ROLES_OF_PATH } from './roles.js';

export type AccessDenial = { kind: 'role'; role: Role | null; method: string } | { kind: 'tenant'; tenantId: string; named: string };

/** Why key may not make this call, or undefined when it may. */
export function accessDenial(key: Caller, path: string, request: unknown): AccessDenial | undefined {
  const roles = ROLES_OF_PATH.get(path);
  if (key.role === null || !roles?.includes(key.role)) return { kind: 'role', role: key.role, method: methodName(path) };
  if (path === '/jifen.v1.PointsService/SubmitBatch') return batchDenial(key, request);
  return tenantDenial(key, tenantOf(request));
}

function batchDenial(key: Caller, request: unknown): AccessDenial | undefined {
  const commands = (request as { commands?: unknown }).commands;
  if (!Array.isArray(commands)) return undefined;
  for (const command of commands as Record<string, unknown>[]) {
    const kind = command?.['command'];
    if (typeof kind !== 'string') continue; // an empty command: the handler answers INVALID_ARGUMENT
    const method = BATCH_COMMAND_METHODS[kind];
    if (method === undefined || key.role === null || !POINTS_SERVICE_ROLES[method].includes(key.role))
      return { kind: 'role', role: key.role, method: `SubmitBatch(${kind})` };
    const denial = tenantDenial(key, tenantOf(command[kind]));
    if (denial) return denial;
  }
  return undefined;
}

function tenantDenial(key: Caller, named: string): AccessDenial | undefined {
  if (key.tenantId === null || key.tenantId === named) return undefined;
  return { kind: 'tenant', tenantId: key.tenantId, named };
}

/** The tenant_id a request names, '' when it names none. */
export function tenantOf(message: unknown): string {
  const tenantId = (message as { tenant_id?: unknown } | null | undefined)?.tenant_id;
  return typeof tenantId === 'string' ? tenantId : '';
}

function methodName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
