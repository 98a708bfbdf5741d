// Ids unique within a test run, so tests that share an engine never touch each other's members,
// orders or idempotency keys.

let nextId = 0;

/** `prefix-<pid>-<n>`: a fresh id on every call. */
export const uniq = (prefix: string): string => `${prefix}-${process.pid}-${++nextId}`;
