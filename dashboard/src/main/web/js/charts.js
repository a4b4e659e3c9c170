// One uPlot chart per metric. Nulls in the data are gaps (spanGaps: false); lone readings between gaps get a dot.
// Spans without data are shaded and lost seqs get a red dashed line, so a gap cannot be mistaken for a flat line.
// The header reads out the latest value, or the value under the cursor while hovering.

import uPlot from "./uplot.js";
import { h, setText } from "./dom.js";
import { formatTime, formatValue } from "./format.js";
import { isolatedPoints } from "./gaps.js";

const HEIGHT = 200;
const ACCENT = "#2563eb";
const EDGE = "rgba(37, 99, 235, 0.35)";
const BAND = "rgba(37, 99, 235, 0.12)";
const SILENCE = "rgba(148, 163, 184, 0.16)";
const MISSING = "rgba(198, 40, 40, 0.55)";
const AXIS = { stroke: "#6a7285", grid: { stroke: "#eef0f3" }, ticks: { stroke: "#e3e6eb" } };

export class MetricChart {
  /** The last data shown, for the read-only debug hook. */
  shown = { times: [], values: [], gaps: [] };
  element;
  #range = null;
  #plot;
  #when;
  #value;
  #resize;

  /** banded: history buckets, drawn as the average with a min–max band. */
  constructor(metric, banded) {
    this.#when = h("span", { class: "readout-when" });
    this.#value = h("span", { class: "readout-value" });
    const plot = h("div", { class: "plot" });
    this.element = h("article", { class: "chart card", dataset: { metric } },
      h("header", {}, h("span", { class: "metric", text: metric }), this.#when, this.#value), plot);
    const empty = banded ? [[], [], [], []] : [[], []];
    this.#plot = new uPlot(this.#options(banded), empty, plot);
    this.#resize = new ResizeObserver(() => {
      if (plot.clientWidth > 0) {
        this.#plot.setSize({ width: plot.clientWidth, height: HEIGHT });
      }
    });
    this.#resize.observe(plot);
  }

  /** series: { times, values[, min, max], gaps } (nulls mark missing data); range: [from, to] of the x axis. */
  show(series, range) {
    this.shown = { times: series.times, values: series.values, gaps: series.gaps };
    this.#range = range;
    this.#plot.setData(series.min ? [series.times, series.values, series.min, series.max]
      : [series.times, series.values]);
    this.#readout(this.#plot.cursor.idx);
  }

  destroy() {
    this.#resize.disconnect();
    this.#plot.destroy();
  }

  /** The value under the cursor, or without one the latest value that is not missing. */
  #readout(index) {
    const { times, values } = this.shown;
    let i = index ?? values.length - 1;
    if (index === null || index === undefined) {
      while (i >= 0 && values[i] === null) {
        i--;
      }
    }
    const hovering = index !== null && index !== undefined;
    if (i < 0 || values[i] === null || values[i] === undefined) {
      setText(this.#when, hovering ? `no data at ${formatTime(times[i])}` : "");
      setText(this.#value, "–");
      return;
    }
    setText(this.#when, `${hovering ? "at" : "latest,"} ${formatTime(times[i])}`);
    setText(this.#value, formatValue(values[i]));
  }

  /** Under the grid and the lines: grey where no data came, a red dashed line where seqs were lost. */
  #drawGaps(u) {
    const { ctx } = u;
    const { top, height } = u.bbox;
    ctx.save();
    for (const gap of this.shown.gaps) {
      const from = u.valToPos(gap.from, "x", true);
      const to = u.valToPos(gap.to, "x", true);
      if (gap.kind === "silence") {
        ctx.fillStyle = SILENCE;
        ctx.fillRect(from, top, Math.max(1, to - from), height);
      } else {
        ctx.strokeStyle = MISSING;
        ctx.lineWidth = 1;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(Math.round(from) + 0.5, top);
        ctx.lineTo(Math.round(from) + 0.5, top + height);
        ctx.stroke();
      }
    }
    ctx.restore();
  }

  #options(banded) {
    const series = [{}, {
      stroke: ACCENT,
      width: 1.5,
      spanGaps: false,
      points: { size: 5, fill: ACCENT, filter: (u, index, show) => (show ? null : isolatedPoints(u.data[1])) },
    }];
    const extra = {};
    if (banded) {
      const edge = { stroke: EDGE, width: 1, spanGaps: false, points: { show: false } };
      series.push({ ...edge }, { ...edge });
      extra.bands = [{ series: [3, 2], fill: BAND }];
    }
    return {
      width: 600,
      height: HEIGHT,
      ms: 1,
      series,
      ...extra,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true, range: (u, min, max) => this.#range ?? [min, max] } },
      axes: [{ ...AXIS }, { ...AXIS, size: 60 }],
      hooks: { drawClear: [(u) => this.#drawGaps(u)], setCursor: [(u) => this.#readout(u.cursor.idx)] },
    };
  }
}
