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
