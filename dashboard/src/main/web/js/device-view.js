// A device's room: a live chart per metric (or bucketed history for a chosen window), the latest readings, the
// recent rejections and commands, kept current over the page's connection.

import { api } from "./api.js";
import { h, fromTemplate, part, setText } from "./dom.js";
import { formatAgo, formatTime } from "./format.js";
import { DeviceRoom } from "./device-room.js";
import { MetricChart } from "./charts.js";
import { bucketSeries, byTime, expectedInterval, metricNames, readingSeries } from "./gaps.js";
import { WINDOWS, loadHistory } from "./history.js";
import { renderLatest } from "./latest-readings.js";
import { RejectionsPanel } from "./rejections.js";
import { CommandsPanel } from "./commands.js";

const FACTS_REFRESH_MS = 15000;
const NOTICE_MS = 8000;
const DRAW_EVERY_MS = 250;

export class DeviceView {
  #id;
  #connection;
  #root;
  #room = new DeviceRoom();
  #rejections;
  #commands;
  #charts = new Map();
  #chartsBanded = false;
  #window = WINDOWS[0];
  #history = null;
  #historyRequest = 0;
  #historyTimer = null;
  #presenceVersion = -1;
  #lastSeenAt = null;
  #drawPending = false;
  #drawTimer = null;
  #tableOffset = undefined;
  #connected = false;
  #noticeTimer = null;
  #timers = [];
  #removers = [];

  constructor(container, deviceId, connection) {
    this.#id = deviceId;
    this.#connection = connection;
    this.#root = fromTemplate("device-view");
    container.replaceChildren(this.#root);
    setText(part(this.#root, "id"), deviceId);
    this.#rejections = new RejectionsPanel(this.#root);
    this.#commands = new CommandsPanel(this.#root, deviceId);
    this.#renderWindows();
    this.#removers.push(connection.onMessage((message) => this.#onMessage(message)),
      connection.onState((state) => this.#onState(state)));
    this.#connected = ["live", "fallback"].includes(connection.state.name);
    connection.watchDevice(deviceId, () => this.#room.lastOffset);
    this.#loadFacts();
    this.#loadRejections();
    this.#timers.push(setInterval(() => this.#loadFacts(), FACTS_REFRESH_MS),
      setInterval(() => this.#everySecond(), 1000));
    this.#draw();
  }

  close() {
    this.#connection.unwatchDevice();
    this.#removers.forEach((remove) => remove());
    this.#timers.forEach((timer) => clearInterval(timer));
    clearTimeout(this.#historyTimer);
    clearTimeout(this.#noticeTimer);
    clearTimeout(this.#drawTimer);
    this.#charts.forEach((chart) => chart.destroy());
    this.#historyRequest++;
  }

  /** What a metric's chart shows now: { window, times, values, gaps }, with nulls where data is missing. */
  series(metric) {
    const chart = this.#charts.get(metric);
    return chart ? { window: this.#window.key, ...structuredClone(chart.shown) } : null;
  }

  /** The offsets of the readings the page holds, in order. */
  offsets() {
    return this.#room.readings.map((reading) => reading.offset);
  }

  #onMessage(message) {
    if (message.device !== this.#id) {
      return;
    }
    switch (message.type) {
      case "subscribed":
        message.readings.forEach((reading) => this.#room.accept(reading));
        this.#scheduleDraw();
        break;
      case "reading":
        if (this.#room.accept(message)) {
          this.#scheduleDraw();
        }
        break;
      case "rejection":
        this.#rejections.add(message);
        break;
      case "command_update":
        this.#commands.update(message);
        break;
      case "presence":
        this.#showPresence(message.state, message.version);
        break;
      case "lag":
        this.#notice(`Catching up: this page is ${message.behind} readings behind the hub.`);
        break;
      case "truncated":
        this.#notice(`Readings before offset ${message.firstOffset} are past retention and cannot be shown.`);
        break;
      case "error":
        this.#notice(message.message, false);
        break;
      default:
    }
  }

  /** After a reconnect, what may have been missed that the room does not replay: rejections and the facts. */
  #onState(state) {
    const connected = ["live", "fallback"].includes(state.name);
    if (connected && !this.#connected) {
      this.#loadRejections();
      this.#loadFacts();
    }
    this.#connected = connected;
  }

  async #loadFacts() {
    let device;
    try {
      device = (await api("GET", "api/devices")).devices.find((d) => d.deviceId === this.#id);
    } catch {
      return;
    }
    if (!device) {
      this.#notice(`Device ${this.#id} does not exist, or you may not see it.`, false);
      return;
    }
    setText(part(this.#root, "namespace"), `namespace ${device.namespace}`);
    this.#showPresence(device.presence, device.presenceVersion ?? 0);
    this.#lastSeenAt = device.lastSeenAt;
    setText(part(this.#root, "last-seq"), device.lastSeq > 0 ? device.lastSeq : "–");
    const holes = part(this.#root, "holes");
    setText(holes, device.holes);
    holes.classList.toggle("warn", device.holes > 0);
    this.#showLastReading();
  }

  async #loadRejections() {
    try {
      await Promise.all([this.#rejections.load(this.#id), this.#commands.load()]);
    } catch {
      // the room's live rejections and commands still arrive; the next reconnect loads again
    }
  }

  #showPresence(state, version) {
    if (version < this.#presenceVersion) {
      return;
    }
    this.#presenceVersion = version;
    const badge = part(this.#root, "presence");
    badge.dataset.presence = state;
    setText(badge, state);
  }

  #showLastReading() {
    const newest = this.#room.readings.at(-1);
    const at = newest ? newest.ts : this.#lastSeenAt;
    const node = part(this.#root, "last-reading");
    setText(node, at === null ? "never" : formatAgo(at));
    node.title = at === null ? "" : formatTime(at);
  }

  #renderWindows() {
    const group = part(this.#root, "windows");
    group.replaceChildren(...WINDOWS.map((window) => h("button", {
      type: "button",
      dataset: { window: window.key },
      "aria-pressed": String(window === this.#window),
      text: window.label,
      on: { click: () => this.#selectWindow(window) },
    })));
  }

  #selectWindow(window) {
    this.#window = window;
    this.#history = null;
    clearTimeout(this.#historyTimer);
    part(this.#root, "windows").querySelectorAll("button").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.window === window.key));
    });
    if (window.key === "live") {
      this.#historyRequest++;
      this.#draw();
    } else {
      this.#refreshHistory();
    }
  }

  async #refreshHistory() {
    const request = ++this.#historyRequest;
    const window = this.#window;
    let history;
    try {
      history = await loadHistory(this.#id, window, expectedInterval(this.#room.readings));
    } catch (error) {
      this.#notice(`History could not be loaded: ${error.message}`);
      history = null;
    }
    if (request !== this.#historyRequest) {
      return;
    }
    if (history) {
      this.#history = history;
      this.#draw();
    }
    const every = Math.min(60000, Math.max(5000, history?.bucketMs ?? 5000));
    this.#historyTimer = setTimeout(() => this.#refreshHistory(), every);
  }

  #everySecond() {
    this.#showLastReading();
    if (this.#window.key === "live") {
      this.#scheduleDraw();
    }
  }

  /** Redraws soon, at most a few times a second however fast readings arrive. */
  #scheduleDraw() {
    if (!this.#drawPending) {
      this.#drawPending = true;
      this.#drawTimer = setTimeout(() => {
        this.#drawPending = false;
        this.#draw();
      }, DRAW_EVERY_MS);
    }
  }

  #draw() {
    if (this.#tableOffset !== this.#room.lastOffset) {
      this.#tableOffset = this.#room.lastOffset;
      renderLatest(part(this.#root, "latest"), this.#room);
    }
    this.#showLastReading();
    if (this.#window.key === "live") {
      const readings = byTime(this.#room.readings);
      const interval = expectedInterval(readings);
      const range = readings.length ? [readings[0].ts, Math.max(Date.now(), readings.at(-1).ts)] : null;
      this.#syncCharts(metricNames(readings), false).forEach((chart, metric) => {
        chart.show(readingSeries(readings, metric, interval), range);
      });
    } else if (this.#history) {
      const { from, to, bucketMs, buckets } = this.#history;
      this.#syncCharts(metricNames(buckets), true).forEach((chart, metric) => {
        chart.show(bucketSeries(buckets, metric, bucketMs), [from, to]);
      });
    }
    part(this.#root, "no-data").hidden = this.#charts.size > 0;
  }

  /** The charts for these metrics, rebuilt when the metrics or the kind of chart changed. */
  #syncCharts(metrics, banded) {
    const same = banded === this.#chartsBanded && metrics.length === this.#charts.size
      && metrics.every((metric) => this.#charts.has(metric));
    if (!same) {
      this.#charts.forEach((chart) => chart.destroy());
      this.#charts = new Map(metrics.map((metric) => [metric, new MetricChart(metric, banded)]));
      this.#chartsBanded = banded;
      part(this.#root, "charts").replaceChildren(...[...this.#charts.values()].map((chart) => chart.element));
    }
    return this.#charts;
  }

  /** Shows a sentence above the charts; a passing one goes away by itself. */
  #notice(text, passing = true) {
    const notice = part(this.#root, "notice");
    notice.textContent = text;
    notice.hidden = false;
    clearTimeout(this.#noticeTimer);
    if (passing) {
      this.#noticeTimer = setTimeout(() => {
        notice.hidden = true;
      }, NOTICE_MS);
    }
  }
}
