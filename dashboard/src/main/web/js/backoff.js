// Reconnect delays: exponential, capped, with jitter so that many dashboards do not return in step.

const FIRST_MS = 500;
const MAX_MS = 15000;

/** The delay before retry number `attempt` (0, 1, 2, ...): between half and all of min(MAX, FIRST * 2^attempt). */
export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(MAX_MS, FIRST_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
