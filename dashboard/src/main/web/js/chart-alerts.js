// The alerts marked on a chart, in words under it: a swatch in the severity's colour, the rule, the severity, the
// status and the span, so that the bands on the canvas can be told apart and read without seeing them.

import { h } from "./dom.js";
import { formatTime, formatValue } from "./format.js";

/** One mark as a sentence: "overheat, critical, open since 12:00:01 (threshold 50)". */
export function alertSentence(mark) {
  const span = mark.status === "cleared"
    ? `cleared, from ${formatTime(mark.from)} to ${formatTime(mark.to)}`
    : `${mark.status} since ${formatTime(mark.from)}`;
  const threshold = mark.threshold === null ? "" : ` (threshold ${formatValue(mark.threshold)})`;
  return `${mark.rule}, ${mark.severity}, ${span}${threshold}`;
}

const shown = new WeakMap(); // list → what it shows, so that it is rebuilt only when that changes

/** Shows the marks in list (hidden without any); true when what it shows changed. */
export function renderAlertMarks(list, marks) {
  const sentences = marks.map(alertSentence);
  const signature = marks.map((mark, i) => `${mark.alertId} ${mark.status} ${sentences[i]}`).join("\n");
  if (shown.get(list) === signature) {
    return false;
  }
  shown.set(list, signature);
  list.hidden = marks.length === 0;
  list.replaceChildren(...marks.map((mark, i) => h("li", {
    title: `Alert ${mark.alertId}: ${sentences[i]}`,
    dataset: { alert: String(mark.alertId), severity: mark.severity, status: mark.status,
      from: String(mark.from), to: mark.status === "cleared" ? String(mark.to) : "" },
  }, h("span", { class: "swatch alert", dataset: { severity: mark.severity } }), ` ${sentences[i]}`)));
  return true;
}
