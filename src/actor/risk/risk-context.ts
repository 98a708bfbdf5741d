// Who a command came from, as far as anti-abuse is concerned: optional request fields that the
// cross-member windows key on and the review rules compare. Not part of a command's payload
// fingerprint: a retry from another network is the same command.

export interface RiskContext {
  /** '' when not given. */
  deviceId: string;
  ip: string;
  paymentFingerprint: string;
}

/** The shape the proto loader gives the optional fields (keepCase, defaults: absent = ''). */
export interface RiskFieldsMsg {
  device_id?: string;
  ip?: string;
  payment_fingerprint?: string;
}

const PRINTABLE = /^[\x21-\x7e]{1,128}$/;
/** IPv4, IPv6 (with an optional zone or embedded IPv4): the characters and length they can have. */
const IP = /^[0-9A-Fa-f:.%]{2,45}$/;

/**
 * The context of a request, or undefined when it carries none (the common case: no allocation).
 * Returns the name of the first malformed field as `bad` instead of throwing, so the API layer
 * keeps its one way of refusing.
 */
export function riskContextOf(m: RiskFieldsMsg): { context: RiskContext | undefined; bad?: { field: string; problem: string } } {
  const deviceId = m.device_id ?? '';
  const ip = m.ip ?? '';
  const paymentFingerprint = m.payment_fingerprint ?? '';
  if (deviceId === '' && ip === '' && paymentFingerprint === '') return { context: undefined };
  if (deviceId !== '' && !PRINTABLE.test(deviceId))
    return { context: undefined, bad: { field: 'device_id', problem: 'must be 1-128 printable ASCII characters without spaces' } };
  if (ip !== '' && !IP.test(ip)) return { context: undefined, bad: { field: 'ip', problem: 'must be an IPv4 or IPv6 address' } };
  if (paymentFingerprint !== '' && !PRINTABLE.test(paymentFingerprint)) {
    return {
      context: undefined,
      bad: { field: 'payment_fingerprint', problem: 'must be 1-128 printable ASCII characters without spaces' },
    };
  }
  return { context: { deviceId, ip, paymentFingerprint } };
}
