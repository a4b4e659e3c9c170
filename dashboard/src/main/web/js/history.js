// The time windows of a device view, and the bucketed history behind every window but "live".

import { api, devicePath } from "./api.js";

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const MAX_BUCKETS = 240;
const BUCKET_SIZES = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400]
  .map((seconds) => seconds * 1000);

export const WINDOWS = [
  { key: "live", label: "Live" },
  { key: "15m", label: "15 min", spanMs: 15 * MINUTE },
  { key: "1h", label: "1 h", spanMs: HOUR },
  { key: "24h", label: "24 h", spanMs: 24 * HOUR },
  { key: "7d", label: "7 d", spanMs: 7 * 24 * HOUR },
];

/**
 * The bucket size for a window: at most MAX_BUCKETS buckets, and at least two expected intervals, so that an empty
 * bucket means missing data rather than a device that simply had not reported yet.
 */
function bucketSize(window, intervalMs) {
  const wanted = Math.max(window.spanMs / MAX_BUCKETS, (intervalMs ?? 0) * 2);
  return BUCKET_SIZES.find((size) => size >= wanted) ?? BUCKET_SIZES[BUCKET_SIZES.length - 1];
}

/** The window ending with the bucket that holds now: { from, to, bucketMs, buckets }. */
export async function loadHistory(deviceId, window, intervalMs, now = Date.now()) {
  const bucketMs = bucketSize(window, intervalMs);
  const to = (Math.floor(now / bucketMs) + 1) * bucketMs;
  const from = to - Math.ceil(window.spanMs / bucketMs) * bucketMs;
  const answer = await api("GET", devicePath(deviceId, `/readings?from=${from}&to=${to}&bucketMs=${bucketMs}`));
  return { from, to, bucketMs, buckets: answer.buckets };
}
