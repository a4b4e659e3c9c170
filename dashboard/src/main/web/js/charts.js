// One uPlot chart per metric. Nulls in the data are gaps (spanGaps: false); lone readings between gaps get a dot.

import uPlot from "./uplot.js";
import { h, setText } from "./dom.js";
import { formatValue } from "./format.js";
import { isolatedPoints } from "./gaps.js";

const HEIGHT = 200;
const ACCENT = "#2563eb";
const BAND = "rgba(37, 99, 235, 0.12)";
const AXIS = { stroke: "#6a7285", grid: { stroke: "#eef0f3" }, ticks: { stroke: "#e3e6eb" } };

export class MetricChart {
  /** The last data shown, for the read-only debug hook. */
  shown = { times: [], values: [] };
  #range = null;
  #plot;
  #latest;
  #resize;
  element;

  /** banded: history buckets, drawn as the average with a min–max band. */
  constructor(metric, banded) {
    this.#latest = h("span", { class: "latest-value" });
    const plot = h("div", { class: "plot" });
    this.element = h("article", { class: "chart card", dataset: { metric } },
      h("header", {}, h("span", { class: "metric", text: metric }), this.#latest), plot);
    this.#plot = new uPlot(options(metric, banded, () => this.#range), [[], [], ...(banded ? [[], []] : [])], plot);
    this.#resize = new ResizeObserver(() => {
      if (plot.clientWidth > 0) {
        this.#plot.setSize({ width: plot.clientWidth, height: HEIGHT });
      }
    });
    this.#resize.observe(plot);
  }

  /** series: { times, values[, min, max] } (nulls mark missing data); range: [from, to] of the x axis. */
  show(series, range) {
    this.shown = { times: series.times, values: series.values };
    this.#range = range;
    const data = [series.times, series.values];
    if (series.min) {
      data.push(series.min, series.max);
    }
    this.#plot.setData(data);
    const last = [...series.values].reverse().find((value) => value !== null);
    setText(this.#latest, formatValue(last));
  }

  destroy() {
    this.#resize.disconnect();
    this.#plot.destroy();
  }
}

function options(metric, banded, range) {
  const line = {
    label: banded ? `${metric} (avg)` : metric,
    stroke: ACCENT,
    width: 1.5,
    spanGaps: false,
    value: (u, v) => formatValue(v),
    points: { size: 5, fill: ACCENT, filter: (u, seriesIndex, show) => (show ? null : isolatedPoints(u.data[1])) },
  };
  const series = [{ value: (u, v) => (v === null ? "–" : new Date(v).toLocaleString()) }, line];
  const extra = {};
  if (banded) {
    const edge = (label) => ({ label, stroke: "rgba(37, 99, 235, 0.35)", width: 1, spanGaps: false,
      value: (u, v) => formatValue(v), points: { show: false } });
    series.push(edge("min"), edge("max"));
    extra.bands = [{ series: [3, 2], fill: BAND }];
  }
  return {
    width: 600,
    height: HEIGHT,
    ms: 1,
    series,
    ...extra,
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true, range: (u, min, max) => range() ?? [min, max] } },
    axes: [{ ...AXIS }, { ...AXIS, size: 60 }],
  };
}
