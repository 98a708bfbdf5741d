// The optional anti-abuse request fields (device_id, ip, payment_fingerprint) → the command's
// `risk` context. Spread into a command: nothing at all when the request carries none.

import { reject } from '../actor/rejections.js';
import { type RiskContext, type RiskFieldsMsg, riskContextOf } from '../actor/risk/risk-context.js';
import { RejectionError } from './status.js';

const NONE: { risk?: RiskContext } = Object.freeze({});

export function riskFieldOf(m: object, at: string): { risk?: RiskContext } {
  const { context, bad } = riskContextOf(m as RiskFieldsMsg);
  if (bad) throw new RejectionError(reject.invalidField(`${at}${bad.field}`, bad.problem));
  return context ? { risk: context } : NONE;
}
