// The latest readings of a device, newest first, one column per metric (with its unit when the device has one).

import { h } from "./dom.js";
import { formatTime, formatValue, withUnit } from "./format.js";
import { metricNames } from "./gaps.js";

const ROWS = 10;

export function renderLatest(table, room, units) {
  const readings = room.latest(ROWS);
  const metrics = metricNames(readings);
  const head = h("thead", {}, h("tr", {},
    h("th", { text: "Time" }), h("th", { class: "num", text: "Seq" }), h("th", { class: "num", text: "Offset" }),
    metrics.map((metric) => h("th", { class: "num", text: withUnit(metric, units[metric] && `(${units[metric]})`) }))));
  const rows = readings.map((reading) => h("tr", { dataset: { offset: reading.offset, seq: reading.seq } },
    h("td", { text: formatTime(reading.ts), title: new Date(reading.ts).toISOString() }),
    h("td", { class: "num", text: reading.seq }),
    h("td", { class: "num", text: reading.offset }),
    metrics.map((metric) => h("td", { class: "num", text: formatValue(reading.metrics[metric]) }))));
  table.replaceChildren(head, h("tbody", {}, rows));
}
