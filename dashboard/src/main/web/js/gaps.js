// Honest chart data: wherever data is missing, the series holds a null, so uPlot (spanGaps: false) breaks the
// line there instead of drawing across it.

const GAP_FACTOR = 2.5; // readings further apart than this many expected intervals have missing data between them
const PACE_SPAN = 5; // spacings on each side of a pause that tell the device's pace there
const MIN_INTERVAL_MS = 1000;

/**
 * The interval a pause between readings sorted[i - 1] and sorted[i] is judged by: the device's provisioned report
 * interval, or its own pace around the pause when that is faster (but not below a second, so that a fast device's
 * jitter is not a gap). Its pace is the slower of the median spacings just before and just after the pause, so a
 * device that changes its rate (1/s, then 100/s) is judged by the slower one at the change and never gets its
 * normal readings shaded.
 */
function expectedInterval(sorted, i, reportIntervalMs) {
  const before = medianSpacing(sorted, Math.max(1, i - PACE_SPAN), i - 1);
  const after = medianSpacing(sorted, i + 1, Math.min(sorted.length - 1, i + PACE_SPAN));
  const paces = [before, after].filter((pace) => pace !== null);
  return paces.length ? Math.min(reportIntervalMs, Math.max(MIN_INTERVAL_MS, ...paces)) : reportIntervalMs;
}

/**
 * The slowest pace the device kept among sorted readings (the largest median spacing of any run of readings), or
 * null with too few readings to tell: the rate history buckets are sized by when it is faster than provisioned.
 */
export function slowestPace(sorted) {
  let slowest = null;
  for (let last = 2 * PACE_SPAN; last < sorted.length; last += PACE_SPAN) {
    slowest = Math.max(slowest ?? 0, medianSpacing(sorted, last - 2 * PACE_SPAN + 1, last));
  }
  return slowest === null ? null : Math.max(MIN_INTERVAL_MS, slowest);
}

/** The median of the spacings sorted[k].ts - sorted[k - 1].ts for k in first..last; null when there are none. */
function medianSpacing(sorted, first, last) {
  const spacings = [];
  for (let k = first; k <= last; k++) {
    spacings.push(sorted[k].ts - sorted[k - 1].ts);
  }
  if (spacings.length === 0) {
    return null;
  }
  spacings.sort((a, b) => a - b);
  return spacings[Math.floor(spacings.length / 2)];
}

/**
 * One metric of live readings (sorted by byTime) as { times, values, gaps }. Between two readings further apart than
 * GAP_FACTOR expected intervals per reading the device numbered between them (so lost or refused readings are not
 * taken for silence) the series holds a null and gaps a "silence" span. Where seqs are skipped it holds a null and a
 * mark: "missing" when a skipped seq was lost (neither held nor rejected), "rejected" when the hub refused every
 * skipped seq. A reading that lacks the metric is a null too.
 */
export function readingSeries(sorted, metric, reportIntervalMs, rejectedSeqs) {
  const held = new Set(sorted.map((reading) => reading.seq));
  const series = { times: [], values: [], gaps: [] };
  sorted.forEach((reading, i) => {
    const previous = sorted[i - 1];
    if (previous) {
      const numbered = Math.max(1, reading.seq - previous.seq); // readings the device sent, stored or not
      const silent = (reading.ts - previous.ts) / numbered > GAP_FACTOR * expectedInterval(sorted, i, reportIntervalMs);
      const skipped = skippedKind(previous.seq, reading.seq, held, rejectedSeqs);
      if (silent || skipped) {
        const middle = (previous.ts + reading.ts) / 2;
        series.times.push(middle);
        series.values.push(null);
        if (silent) {
          series.gaps.push({ kind: "silence", from: previous.ts, to: reading.ts });
        }
        if (skipped) {
          series.gaps.push({ kind: skipped, from: middle, to: middle });
        }
      }
    }
    series.times.push(reading.ts);
    series.values.push(metric in reading.metrics ? reading.metrics[metric] : null);
  });
  return series;
}

/**
 * What lies between two seqs that follow each other in time: null when nothing is skipped (or every skipped seq is
 * held elsewhere, a resend out of order), "missing" when a skipped seq is lost, else "rejected".
 */
function skippedKind(previousSeq, seq, held, rejectedSeqs) {
  if (seq - previousSeq - 1 > held.size + rejectedSeqs.size) {
    return "missing";
  }
  let kind = null;
  for (let s = previousSeq + 1; s < seq; s++) {
    if (!held.has(s)) {
      if (!rejectedSeqs.has(s)) {
        return "missing";
      }
      kind = "rejected";
    }
  }
  return kind;
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
