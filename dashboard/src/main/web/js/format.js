// How times and numbers read on the page.

const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const dated = new Intl.DateTimeFormat(undefined, {
  month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit",
});
const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });

/** Wall-clock time, with the date when it is not today. */
export function formatTime(ms) {
  if (ms === null || ms === undefined) {
    return "–";
  }
  const date = new Date(ms);
  return date.toDateString() === new Date().toDateString() ? clock.format(date) : dated.format(date);
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(ms, now = Date.now()) {
  if (ms === null || ms === undefined) {
    return "never";
  }
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`;
  }
  if (seconds < 86400) {
    return `${Math.floor(seconds / 3600)} h ago`;
  }
  return `${Math.floor(seconds / 86400)} d ago`;
}

export function formatValue(value) {
  return value === null || value === undefined ? "–" : number.format(value);
}

export function formatRate(perSecond) {
  return perSecond === null || perSecond === undefined ? "–" : perSecond.toFixed(1);
}

/** A value or a name with its unit, when the device has one for the metric. */
export function withUnit(text, unit) {
  return unit ? `${text} ${unit}` : String(text);
}

const labelTime = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const labelSeconds = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const labelDay = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

/**
 * Time axis labels for ticks `incr` ms apart on an axis spanning `spanMs`: seconds only when ticks are closer than
 * a minute, the day on a second line when the axis spans more than a day, the day alone for ticks a day apart.
 */
export function timeLabels(ticks, incr, spanMs) {
  return ticks.map((tick) => {
    const date = new Date(tick);
    if (incr >= 86400000) {
      return labelDay.format(date);
    }
    const time = (incr < 60000 ? labelSeconds : labelTime).format(date);
    return spanMs > 86400000 ? `${time}\n${labelDay.format(date)}` : time;
  });
}

/** A time as a datetime-local input holds it: local time to the second. */
export function toLocalInput(ms) {
  const date = new Date(ms - new Date(ms).getTimezoneOffset() * 60000);
  return date.toISOString().slice(0, 19);
}

/** The time a datetime-local input holds (local time), or NaN when it holds none. */
export function fromLocalInput(value) {
  return value ? new Date(value).getTime() : NaN;
}
