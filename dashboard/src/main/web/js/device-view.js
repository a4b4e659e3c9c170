// A device's room: a live chart per metric (or bucketed history for a chosen window, a typed range or a span dragged
// across a chart) with the device's alerts marked on their metric's chart, the latest readings, the recent rejections
// and commands, kept current over the page's connection.
// The header's figures follow the live stream, and the hub's word on the device corrects them within a second.

import { AlertMarks } from "./alert-marks.js";
import { api, devicePath } from "./api.js";
import { fromTemplate, part, setText } from "./dom.js";
import { formatAgo, formatTime } from "./format.js";
import { DeviceRoom } from "./device-room.js";
import { MetricChart } from "./charts.js";
import { bucketSeries, byTime, metricNames, readingSeries, slowestPace } from "./gaps.js";
import { exportPath, loadHistory } from "./history.js";
import { renderLatest } from "./latest-readings.js";
import { RejectedSeqs } from "./rejected-seqs.js";
import { RejectionsPanel } from "./rejections.js";
import { CommandsPanel } from "./commands.js";
import { StaleMark } from "./staleness.js";
import { WindowPicker } from "./window-picker.js";

const FACTS_REFRESH_MS = 15000;
const FACTS_SOON_MS = 500; // after a rejection or a seq out of line, the hub's counts are asked again this soon
const NOTICE_MS = 8000;
const DRAW_EVERY_MS = 250;
const LIVE_EXPORT_MS = 15 * 60 * 1000;
const DEFAULT_INTERVAL_MS = 60000;
const DARK = matchMedia("(prefers-color-scheme: dark)");

export class DeviceView {
  #id;
  #connection;
  #root;
  #room = new DeviceRoom();
  #rejections;
  #commands;
  #rejected;
  #alerts;
  #stale;
  #charts = new Map();
  #chartsKind = null;
  #windows;
  #shownWindow = "live"; // the key of the window the charts show (a chosen one may still be loading)
  #history = null;
  #historyRequest = 0;
  #historyTimer = null;
  #device = null; // the hub's last word on the device (GET /api/devices/{id}), with the live figures on top
  #presenceVersion = -1;
  #drawPending = false;
  #drawTimer = null;
  #factsSoon = null;
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
    this.#rejected = new RejectedSeqs(deviceId);
    this.#alerts = new AlertMarks(deviceId);
    this.#stale = new StaleMark(this.#root, part(this.#root, "stale"));
    this.#windows = new WindowPicker(this.#root, {
      choose: (window) => this.#selectWindow(window),
      liveRange: () => this.#liveRange(),
      refuse: (sentence) => this.#notice(sentence),
    });
    const retheme = () => this.#rebuildCharts();
    DARK.addEventListener("change", retheme);
    this.#removers.push(connection.onMessage((message) => this.#onMessage(message)),
      connection.onState((state) => this.#onState(state)), () => DARK.removeEventListener("change", retheme));
    this.#connected = this.#stale.follow(connection.state);
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
    [this.#historyTimer, this.#noticeTimer, this.#drawTimer, this.#factsSoon].forEach(clearTimeout);
    this.#charts.forEach((chart) => chart.destroy());
    this.#historyRequest++;
  }

  /** What a metric's chart shows now: { window, times, values, gaps }, with nulls where data is missing. */
  series(metric) {
    const chart = this.#charts.get(metric);
    return chart ? { window: this.#shownWindow, ...structuredClone(chart.shown) } : null;
  }

  /** A metric chart's time axis labels with their edges in pixels. */
  xAxisLabels(metric) {
    return this.#charts.get(metric)?.xAxisLabels() ?? null;
  }

  /** The offsets of the readings the page holds, in order. */
  offsets() {
    return this.#room.readings.map((reading) => reading.offset);
  }

  #onMessage(message) {
    if (message.type === "alert") {
      const { type, ...alert } = message;
      if (this.#alerts.keep(alert)) {
        this.#alerts.loadRules().then((loaded) => loaded && this.#scheduleDraw());
        this.#scheduleDraw();
      }
      return;
    }
    if (message.device !== this.#id) {
      return;
    }
    switch (message.type) {
      case "subscribed":
        // what changed between the first load and this subscription would otherwise never show
        this.#commands.load().catch(() => {});
        message.readings.forEach((reading) => this.#accept(reading));
        (message.alerts ?? []).forEach((alert) => this.#alerts.keep(alert));
        this.#coverRejected();
        this.#scheduleDraw();
        break;
      case "reading":
        if (this.#accept(message)) {
          this.#scheduleDraw();
        }
        break;
      case "rejection":
        this.#rejections.add(message);
        this.#rejected.add(message.seq);
        this.#loadFactsSoon();
        this.#scheduleDraw();
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

  /**
   * Adds a live reading; the header's last seq and last reading follow it at once, and when its seq is out of line
   * (seqs skipped, or an older one resent) the hub is asked soon what that makes of the holes.
   */
  #accept(reading) {
    if (!this.#room.accept(reading)) {
      return false;
    }
    if (this.#device) {
      if (reading.seq !== this.#device.lastSeq + 1) {
        this.#loadFactsSoon();
      }
      this.#device.lastSeq = Math.max(this.#device.lastSeq, reading.seq);
      this.#device.lastSeenAt = Math.max(this.#device.lastSeenAt ?? 0, reading.ts);
    }
    return true;
  }

  /** After a reconnect, what may have been missed that the room does not replay: rejections and the facts. */
  #onState(state) {
    const connected = this.#stale.follow(state);
    if (connected && !this.#connected) {
      this.#rejected.forget();
      this.#alerts.forget();
      this.#loadRejections();
      this.#loadFacts();
    }
    this.#connected = connected;
  }

  #loadFactsSoon() {
    if (this.#factsSoon === null) {
      this.#factsSoon = setTimeout(() => {
        this.#factsSoon = null;
        this.#loadFacts();
      }, FACTS_SOON_MS);
    }
  }

  /** The hub's figures for the device, then the refused seqs among those the room holds. */
  async #loadFacts() {
    let device;
    try {
      device = await api("GET", devicePath(this.#id));
    } catch (error) {
      if (error.status === 403 || error.status === 404) {
        this.#notice(`Device ${this.#id} does not exist, or you may not see it.`, false);
      }
      return;
    }
    const held = this.#room.readings;
    const unitsChanged = JSON.stringify(device.units ?? {}) !== JSON.stringify(this.#device?.units ?? {});
    this.#device = {
      ...device,
      lastSeq: Math.max(device.lastSeq, ...held.map((reading) => reading.seq)),
      lastSeenAt: Math.max(device.lastSeenAt ?? 0, held.at(-1)?.ts ?? 0) || null,
    };
    setText(part(this.#root, "namespace"), `namespace ${device.namespace}`);
    this.#showPresence(device.presence, device.presenceVersion ?? 0);
    this.#showFacts();
    if (unitsChanged) {
      this.#rebuildCharts();
    } else {
      this.#scheduleDraw();
    }
    await this.#coverRejected();
  }

  async #coverRejected() {
    const seqs = this.#room.readings.map((reading) => reading.seq);
    if (seqs.length === 0) {
      return;
    }
    try {
      if (await this.#rejected.cover(Math.min(...seqs), Math.max(...seqs))) {
        this.#scheduleDraw();
      }
    } catch {
      // the next facts load tries again
    }
  }

  /** Loads the device's alerts over the span shown from from on, unless loaded; draws again when it found any. */
  async #coverAlerts(from) {
    try {
      if (await this.#alerts.cover(from)) {
        this.#scheduleDraw();
      }
    } catch {
      // a later draw tries again
    }
  }

  async #loadRejections() {
    try {
      await Promise.all([this.#rejections.load(this.#id), this.#commands.load()]);
      this.#scheduleDraw();
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

  #showFacts() {
    const device = this.#device;
    const at = device?.lastSeenAt ?? null;
    const lastReading = part(this.#root, "last-reading");
    setText(lastReading, at === null ? "never" : formatAgo(at));
    lastReading.title = at === null ? "" : formatTime(at);
    if (!device) {
      return;
    }
    setText(part(this.#root, "last-seq"), device.lastSeq > 0 ? device.lastSeq : "–");
    for (const [name, count] of [["holes", device.holes], ["rejected", device.rejected]]) {
      const node = part(this.#root, name);
      setText(node, count ?? "–");
      node.classList.toggle(name === "holes" ? "warn" : "refused", count > 0);
    }
  }

  #selectWindow(window) {
    this.#history = null;
    clearTimeout(this.#historyTimer);
    if (window.key === "live") {
      this.#historyRequest++;
      this.#draw();
    } else {
      this.#refreshHistory();
    }
  }

  /**
   * Loads the window's history, and again now and then while it ends now. Buckets are sized by the provisioned
   * report interval, or by the device's slowest pace when that is faster.
   */
  async #refreshHistory() {
    const request = ++this.#historyRequest;
    const window = this.#windows.window;
    const provisioned = this.#device?.reportIntervalMs ?? DEFAULT_INTERVAL_MS;
    const interval = Math.min(provisioned, slowestPace(byTime(this.#room.readings)) ?? provisioned);
    let history;
    try {
      history = await loadHistory(this.#id, window, interval);
    } catch (error) {
      this.#notice(`History could not be loaded: ${error.message}`);
      history = null;
    }
    if (request !== this.#historyRequest) {
      return;
    }
    if (history) {
      this.#history = { ...history, window: window.key };
      this.#draw();
    }
    if (window.key !== "custom") {
      const every = Math.min(60000, Math.max(5000, history?.bucketMs ?? 5000));
      this.#historyTimer = setTimeout(() => this.#refreshHistory(), every);
    }
  }

  #everySecond() {
    this.#showFacts();
    if (this.#windows.window.key === "live") {
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

  /** The span the live window shows: from the oldest reading held (at most the last minutes) to now. */
  #liveRange() {
    const now = Date.now();
    const oldest = this.#room.readings.reduce((min, reading) => Math.min(min, reading.ts), now);
    return [Math.max(oldest, now - LIVE_EXPORT_MS), now + 1];
  }

  #draw() {
    if (this.#tableOffset !== this.#room.lastOffset) {
      this.#tableOffset = this.#room.lastOffset;
      renderLatest(part(this.#root, "latest"), this.#room, this.#device?.units ?? {});
    }
    this.#showFacts();
    if (this.#windows.window.key === "live") {
      this.#shownWindow = "live";
      const readings = byTime(this.#room.readings);
      const interval = this.#device?.reportIntervalMs ?? DEFAULT_INTERVAL_MS;
      const range = readings.length ? [readings[0].ts, Math.max(Date.now(), readings.at(-1).ts)] : null;
      this.#syncCharts(metricNames(readings), "live").forEach((chart, metric) => {
        chart.show(readingSeries(readings, metric, interval, this.#rejected.seqs), range,
          range ? this.#alerts.marks(metric, range) : []);
      });
      if (range) {
        this.#coverAlerts(range[0]);
      }
    } else if (this.#history) {
      const { from, to, bucketMs, buckets, window } = this.#history;
      this.#shownWindow = window;
      this.#syncCharts(metricNames(buckets), "history").forEach((chart, metric) => {
        chart.show(bucketSeries(buckets, metric, bucketMs), [from, to], this.#alerts.marks(metric, [from, to]));
      });
      this.#coverAlerts(from);
    }
    part(this.#root, "no-data").hidden = this.#charts.size > 0;
    this.#showExport();
  }

  /** Points the export links at the hub's export of the span shown. */
  #showExport() {
    const range = this.#history ? [this.#history.from, this.#history.to] : this.#liveRange();
    for (const format of ["csv", "ndjson"]) {
      const link = part(this.#root, `export-${format}`);
      const path = exportPath(this.#id, range, format);
      if (link.getAttribute("href") !== path) {
        link.setAttribute("href", path);
      }
    }
  }

  /** The charts for these metrics, rebuilt when the metrics or the kind of chart changed. */
  #syncCharts(metrics, kind) {
    const same = kind === this.#chartsKind && metrics.length === this.#charts.size
      && metrics.every((metric) => this.#charts.has(metric));
    if (!same) {
      this.#charts.forEach((chart) => chart.destroy());
      const units = this.#device?.units ?? {};
      const zoom = (from, to) => this.#windows.zoom(from, to);
      this.#charts = new Map(metrics.map((metric) => [metric,
        new MetricChart(metric, units[metric], kind === "history", zoom)]));
      this.#chartsKind = kind;
      part(this.#root, "charts").replaceChildren(...[...this.#charts.values()].map((chart) => chart.element));
    }
    return this.#charts;
  }

  /** Builds the charts anew (new units, another colour scheme). */
  #rebuildCharts() {
    this.#chartsKind = null;
    this.#tableOffset = undefined;
    this.#draw();
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
