// One uPlot chart per metric. Nulls in the data are gaps (spanGaps: false); lone readings between gaps get a dot.
// Spans without data are shaded, lost seqs get a dashed line and rejected seqs a dotted one in their own colour, so
// a gap cannot be mistaken for a flat line nor a refusal for a loss. Dragging across a chart zooms to that span.
// Alerts on the chart's metric are a band from their opening to their clearing (or to now while active) in their
// severity's colour, with the rule's threshold across it when known, and are listed under the chart in words.
// The header reads out the latest value, or the value under the cursor while hovering. Colours come from the
// page's theme (light or dark).

import uPlot from "./uplot.js";
import { h, setText } from "./dom.js";
import { formatTime, formatValue, timeLabels, withUnit } from "./format.js";
import { isolatedPoints } from "./gaps.js";
import { renderAlertMarks } from "./chart-alerts.js";

const HEIGHT = 200;
const X_LABEL_SPACE = 90; // px between time labels: wider than the widest label, so that they never overlap
const Y_LABEL_PAD = 14;

/** The chart colours of the page's theme, read from its CSS custom properties. */
function themeColours() {
  const style = getComputedStyle(document.documentElement);
  const read = (name) => style.getPropertyValue(name).trim();
  return {
    line: read("--chart-line"),
    edge: read("--chart-edge"),
    band: read("--chart-band"),
    silence: read("--chart-silence"),
    missing: read("--chart-missing"),
    rejected: read("--chart-rejected"),
    axis: read("--muted"),
    grid: read("--chart-grid"),
    alert: Object.fromEntries(["info", "warning", "critical"].map((severity) => [severity,
      { line: read(`--chart-alert-${severity}`), band: read(`--chart-alert-${severity}-band`) }])),
  };
}

/** The widest label's width plus the ticks, so that long values are never cut off. */
function yAxisSize(u, values) {
  if (!values) {
    return 50;
  }
  u.ctx.save();
  u.ctx.font = u.axes[1].font[0];
  const widest = Math.max(0, ...values.map((value) => u.ctx.measureText(String(value)).width));
  u.ctx.restore();
  return Math.ceil(widest / devicePixelRatio) + Y_LABEL_PAD + 10;
}

export class MetricChart {
  /** The last data shown, for the read-only debug hook. */
  shown = { times: [], values: [], gaps: [], alerts: [] };
  element;
  #metric;
  #unit;
  #plotBox;
  #alertList;
  #range = null;
  #plot;
  #when;
  #value;
  #resize;
  #colours = themeColours();
  #xLabels = { splits: [], labels: [] };

  /**
   * banded: history buckets, drawn as the average with a min–max band. onZoom(from, to) is called with the time
   * span the operator dragged across.
   */
  constructor(metric, unit, banded, onZoom) {
    this.#metric = metric;
    this.#unit = unit;
    this.#when = h("span", { class: "readout-when" });
    this.#value = h("span", { class: "readout-value" });
    const plot = h("div", { class: "plot", role: "img", "aria-label": this.#plotLabel(0) });
    this.#plotBox = plot;
    this.#alertList = h("ul", { class: "chart-alerts", "aria-label": `Alerts on ${metric}`, hidden: true });
    this.element = h("article", { class: "chart card", dataset: { metric } },
      h("header", {},
        h("span", { class: "metric" }, metric, unit ? h("span", { class: "unit muted", text: unit }) : null),
        this.#when, this.#value), plot, this.#alertList);
    const empty = banded ? [[], [], [], []] : [[], []];
    this.#plot = new uPlot(this.#options(banded, onZoom), empty, plot);
    this.#resize = new ResizeObserver(() => {
      if (plot.clientWidth > 0) {
        this.#plot.setSize({ width: plot.clientWidth, height: HEIGHT });
      }
    });
    this.#resize.observe(plot);
  }

  /**
   * series: { times, values[, min, max], gaps } (nulls mark missing data); range: [from, to] of the x axis; alerts:
   * the marks of the alerts on this metric (see AlertMarks.marks).
   */
  show(series, range, alerts = []) {
    this.shown = { times: series.times, values: series.values, gaps: series.gaps, alerts };
    this.#range = range;
    if (renderAlertMarks(this.#alertList, alerts)) {
      this.#plotBox.setAttribute("aria-label", this.#plotLabel(alerts.length));
    }
    this.#plot.setData(series.min ? [series.times, series.values, series.min, series.max]
      : [series.times, series.values]);
    this.#readout(this.#plot.cursor.idx);
  }

  /** The time axis labels as drawn: their text and their left and right edges in CSS pixels. */
  xAxisLabels() {
    const u = this.#plot;
    const context = u.ctx;
    context.save();
    context.font = u.axes[0].font[0];
    const labels = this.#xLabels.labels.map((text, i) => {
      const width = Math.max(...String(text).split("\n").map((line) => context.measureText(line).width))
        / devicePixelRatio;
      const centre = u.valToPos(this.#xLabels.splits[i], "x");
      return { text: String(text), left: centre - width / 2, right: centre + width / 2 };
    });
    context.restore();
    return labels;
  }

  destroy() {
    this.#resize.disconnect();
    this.#plot.destroy();
  }

  #plotLabel(alerts) {
    const marked = alerts === 0 ? "" : `, with ${alerts === 1 ? "an alert" : `${alerts} alerts`} marked (listed below)`;
    return `Chart of ${withUnit(this.#metric, this.#unit)} over time${marked}; drag across it to zoom in`;
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
    setText(this.#value, withUnit(formatValue(values[i]), this.#unit));
  }

  /** Under the grid and the lines: shaded where no data came, a line where seqs were lost or rejected. */
  #drawGaps(u) {
    const { ctx } = u;
    const { top, height } = u.bbox;
    ctx.save();
    for (const gap of this.shown.gaps) {
      const from = u.valToPos(gap.from, "x", true);
      const to = u.valToPos(gap.to, "x", true);
      if (gap.kind === "silence") {
        ctx.fillStyle = this.#colours.silence;
        ctx.fillRect(from, top, Math.max(1, to - from), height);
      } else {
        const rejected = gap.kind === "rejected";
        ctx.strokeStyle = rejected ? this.#colours.rejected : this.#colours.missing;
        ctx.lineWidth = 1.5 * devicePixelRatio;
        ctx.setLineDash(rejected ? [1, 3] : [4, 3]);
        ctx.beginPath();
        ctx.moveTo(Math.round(from) + 0.5, top);
        ctx.lineTo(Math.round(from) + 0.5, top + height);
        ctx.stroke();
      }
    }
    ctx.restore();
  }

  /**
   * Under the grid and the lines: a band from each alert's opening to its clearing (or now), edged on the side it
   * opened (and cleared), with the rule's threshold as a dashed line across it when known.
   */
  #drawAlerts(u) {
    const { ctx } = u;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    for (const mark of this.shown.alerts) {
      const colour = this.#colours.alert[mark.severity] ?? this.#colours.alert.warning;
      const from = Math.round(u.valToPos(mark.from, "x", true));
      const to = Math.round(u.valToPos(mark.to, "x", true));
      ctx.fillStyle = colour.band;
      ctx.fillRect(from, top, Math.max(2, to - from), height);
      ctx.strokeStyle = colour.line;
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.moveTo(from, top);
      ctx.lineTo(from, top + height);
      if (mark.status === "cleared") {
        ctx.moveTo(to, top);
        ctx.lineTo(to, top + height);
      }
      ctx.stroke();
      if (mark.threshold !== null && u.scales.y.min !== null) {
        const y = Math.round(u.valToPos(mark.threshold, "y", true)) + 0.5;
        ctx.lineWidth = 1.5 * devicePixelRatio;
        ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
        ctx.beginPath();
        ctx.moveTo(from, y);
        ctx.lineTo(Math.max(from + 2, to), y);
        ctx.stroke();
      }
    }
    ctx.restore();
  }

  /** The time labels, kept to measure them (see xAxisLabels). */
  #timeLabels(u, splits, incr) {
    const labels = timeLabels(splits, incr, u.scales.x.max - u.scales.x.min);
    this.#xLabels = { splits, labels };
    return labels;
  }

  #options(banded, onZoom) {
    const colours = this.#colours;
    const series = [{}, {
      stroke: colours.line,
      width: 1.5,
      spanGaps: false,
      points: { size: 5, fill: colours.line, filter: (u, index, show) => (show ? null : isolatedPoints(u.data[1])) },
    }];
    const extra = {};
    if (banded) {
      const edge = { stroke: colours.edge, width: 1, spanGaps: false, points: { show: false } };
      series.push({ ...edge }, { ...edge });
      extra.bands = [{ series: [3, 2], fill: colours.band }];
    }
    const axis = { stroke: colours.axis, grid: { stroke: colours.grid }, ticks: { stroke: colours.grid } };
    return {
      width: 600,
      height: HEIGHT,
      ms: 1,
      series,
      ...extra,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false } },
      select: { show: true },
      scales: { x: { time: true, range: (u, min, max) => this.#range ?? [min, max] } },
      axes: [
        { ...axis, space: X_LABEL_SPACE, values: (u, splits, i, space, incr) => this.#timeLabels(u, splits, incr),
          size: (u, values) => (values?.some((label) => label.includes("\n")) ? 56 : 40) },
        { ...axis, size: (u, values) => yAxisSize(u, values) },
      ],
      hooks: {
        drawClear: [(u) => this.#drawAlerts(u), (u) => this.#drawGaps(u)],
        setCursor: [(u) => this.#readout(u.cursor.idx)],
        setSelect: [(u) => {
          if (u.select.width > 2) {
            onZoom(u.posToVal(u.select.left, "x"), u.posToVal(u.select.left + u.select.width, "x"));
          }
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        }],
      },
    };
  }
}
