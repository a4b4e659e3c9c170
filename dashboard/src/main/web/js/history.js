// The time windows of a device view, and the bucketed history behind every window but "live": the fixed windows end
// now, a custom range (typed in, or dragged across a chart) is fixed at both ends.

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

/** A window fixed at both ends. */
export function customWindow(from, to) {
  return { key: "custom", label: "Custom", from: Math.floor(from), to: Math.ceil(to) };
}

/** The [from, to) a window covers now; null for live. */
export function windowRange(window, now = Date.now()) {
  if (window.key === "custom") {
    return [window.from, window.to];
  }
  return window.spanMs ? [now - window.spanMs, now] : null;
}

/**
 * The bucket size for a span: at most MAX_BUCKETS buckets, and at least two expected intervals, so that an empty
 * bucket means missing data rather than a device that simply had not reported yet.
 */
function bucketSize(spanMs, intervalMs) {
  const wanted = Math.max(spanMs / MAX_BUCKETS, intervalMs * 2);
  return BUCKET_SIZES.find((size) => size >= wanted) ?? BUCKET_SIZES[BUCKET_SIZES.length - 1];
}

/**
 * A window's history in whole buckets: { from, to, bucketMs, buckets }. A window that ends now ends with the bucket
 * that holds now; a custom range covers the buckets that hold its ends.
 */
export async function loadHistory(deviceId, window, intervalMs, now = Date.now()) {
  const [start, end] = windowRange(window, now);
  const bucketMs = bucketSize(end - start, intervalMs);
  const to = (Math.floor(end / bucketMs) + 1) * bucketMs;
  const from = window.key === "custom" ? Math.floor(start / bucketMs) * bucketMs
    : to - Math.ceil(window.spanMs / bucketMs) * bucketMs;
  const answer = await api("GET", devicePath(deviceId, `/readings?from=${from}&to=${to}&bucketMs=${bucketMs}`));
  return { from, to, bucketMs, buckets: answer.buckets };
}

/** The hub's export of a device's readings in [from, to), as a link target. */
export function exportPath(deviceId, [from, to], format) {
  return devicePath(deviceId, `/export?from=${Math.floor(from)}&to=${Math.ceil(to)}&format=${format}`);
}
