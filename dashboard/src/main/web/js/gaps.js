// Honest chart data: wherever data is missing, the series holds a null, so uPlot (spanGaps: false) breaks the
// line there instead of drawing across it.

const GAP_FACTOR = 2.5; // readings further apart than this many expected intervals have missing data between them

/**
 * The device's usual spacing between readings: the median of the latest gaps between readings (the hub's device
 * list does not carry the configured report interval). Null with too few readings to tell.
 */
export function expectedInterval(readings) {
  const times = readings.slice(-200).map((reading) => reading.ts).sort((a, b) => a - b);
  const deltas = [];
  for (let i = 1; i < times.length; i++) {
    if (times[i] > times[i - 1]) {
      deltas.push(times[i] - times[i - 1]);
    }
  }
  if (deltas.length < 2) {
    return null;
  }
  deltas.sort((a, b) => a - b);
  return deltas[Math.floor(deltas.length / 2)];
}

/**
 * One metric of live readings (sorted by byTime) as { times, values, gaps }. Between two readings further apart than
 * GAP_FACTOR expected intervals (offline, not sending) the series holds a null and gaps a "silence" span; between
 * readings whose seqs are not consecutive (readings lost) a null and a "missing" mark. A reading that lacks the
 * metric is a null too.
 */
export function readingSeries(sorted, metric, intervalMs) {
  const threshold = intervalMs === null ? Infinity : intervalMs * GAP_FACTOR;
  const series = { times: [], values: [], gaps: [] };
  let previous = null;
  for (const reading of sorted) {
    if (previous !== null) {
      const silent = reading.ts - previous.ts > threshold;
      const lost = reading.seq > previous.seq + 1;
      if (silent || lost) {
        const middle = (previous.ts + reading.ts) / 2;
        series.times.push(middle);
        series.values.push(null);
        series.gaps.push(silent ? { kind: "silence", from: previous.ts, to: reading.ts }
          : { kind: "missing", from: middle, to: middle });
      }
    }
    series.times.push(reading.ts);
    series.values.push(metric in reading.metrics ? reading.metrics[metric] : null);
    previous = reading;
  }
  return series;
}

/** Readings in time order (a device may resend older readings after newer ones). */
export function byTime(readings) {
  return [...readings].sort((a, b) => a.ts - b.ts || a.seq - b.seq);
}

/**
 * One metric of history buckets as { times, values, min, max, gaps } at each bucket's middle; an empty bucket, or
 * one without this metric, is null in all three and part of a "silence" span.
 */
export function bucketSeries(buckets, metric, bucketMs) {
  const series = { times: [], values: [], min: [], max: [], gaps: [] };
  for (const bucket of buckets) {
    const aggregate = bucket.count > 0 ? bucket.metrics[metric] : undefined;
    series.times.push(bucket.start + bucketMs / 2);
    series.values.push(aggregate ? aggregate.avg : null);
    series.min.push(aggregate ? aggregate.min : null);
    series.max.push(aggregate ? aggregate.max : null);
    if (!aggregate) {
      const last = series.gaps.at(-1);
      if (last && last.to === bucket.start) {
        last.to = bucket.start + bucketMs;
      } else {
        series.gaps.push({ kind: "silence", from: bucket.start, to: bucket.start + bucketMs });
      }
    }
  }
  return series;
}

/** Indexes of values with no neighbour on either side: without a marker, a lone reading would be invisible. */
export function isolatedPoints(values) {
  const lone = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== null && (i === 0 || values[i - 1] === null) && (i === values.length - 1 || values[i + 1] === null)) {
      lone.push(i);
    }
  }
  return lone;
}

/** Every metric name in readings or buckets, sorted. */
export function metricNames(items) {
  const names = new Set();
  items.forEach((item) => Object.keys(item.metrics).forEach((name) => names.add(name)));
  return [...names].sort();
}
