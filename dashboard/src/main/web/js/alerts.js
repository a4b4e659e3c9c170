// Active alerts: a list above the fleet (all of them) or a device room (the device's), an Acknowledge button on each
// open one, and a badge on each fleet row with alerts. Kept current by the rooms' alert messages and the device
// snapshot's alerts, and reloaded from the hub on every (re)connection, so nothing missed while offline stays wrong.

import { api } from "./api.js";
import { h } from "./dom.js";
import { formatTime, formatValue } from "./format.js";

const BADGE_MS = 1000;

export class AlertsPanel {
  #root;
  #list;
  #deviceId;
  #alerts = new Map();
  #removers = [];
  #timer;

  /** Above the view in {@code container}; {@code deviceId} null for the whole fleet. */
  constructor(container, connection, deviceId) {
    this.#deviceId = deviceId;
    this.#list = h("ul", { class: "alert-list" });
    this.#root = h("section", { class: "card alerts", id: "alerts", hidden: true },
      h("h2", { text: "Active alerts" }), this.#list);
    container.prepend(this.#root);
    this.#removers.push(connection.onMessage((message) => this.#onMessage(message)),
      connection.onState((state) => {
        if (state.name === "live" || state.name === "fallback") {
          this.#load();
        }
      }));
    // fleet rows come and go as the device list reloads: their badges follow
    this.#timer = setInterval(() => this.#badges(), BADGE_MS);
    this.#load();
  }

  close() {
    this.#removers.forEach((remove) => remove());
    clearInterval(this.#timer);
    this.#root.remove();
  }

  async #load() {
    const device = this.#deviceId === null ? "" : `&deviceId=${encodeURIComponent(this.#deviceId)}`;
    try {
      const answer = await api("GET", `api/alerts?status=active&limit=1000${device}`);
      this.#alerts.clear();
      answer.alerts.forEach((alert) => this.#alerts.set(alert.alertId, alert));
      this.#render();
    } catch {
      // the next (re)connection loads them again
    }
  }

  #onMessage(message) {
    if (message.type === "alert" && this.#wants(message.deviceId)) {
      const { type, ...alert } = message;
      this.#keep(alert);
    } else if (message.type === "subscribed" && Array.isArray(message.alerts) && this.#wants(message.device)) {
      message.alerts.forEach((alert) => this.#keep(alert));
    }
  }

  #wants(deviceId) {
    return this.#deviceId === null || deviceId === this.#deviceId;
  }

  /** Keeps an alert's latest state: messages from several nodes may repeat one. */
  #keep(alert) {
    const known = this.#alerts.get(alert.alertId);
    if (known?.status === "cleared" || (known?.status === "acknowledged" && alert.status === "open")) {
      return;
    }
    this.#alerts.set(alert.alertId, alert);
    this.#render();
  }

  async #acknowledge(alert, button) {
    button.disabled = true;
    try {
      this.#keep(await api("POST", `api/alerts/${alert.alertId}/ack`));
    } catch (error) {
      button.disabled = false;
      button.title = error.message;
    }
  }

  #active() {
    return [...this.#alerts.values()].filter((alert) => alert.status !== "cleared")
      .sort((a, b) => b.alertId - a.alertId);
  }

  #render() {
    const active = this.#active();
    this.#root.hidden = active.length === 0;
    this.#list.replaceChildren(...active.map((alert) => this.#item(alert)));
    this.#badges();
  }

  #item(alert) {
    const what = alert.metric === null ? "silent" : `${alert.metric} ${formatValue(alert.value)}`;
    const acknowledge = alert.status === "open"
      ? h("button", { type: "button", class: "quiet", text: "Acknowledge",
        on: { click: (event) => this.#acknowledge(alert, event.currentTarget) } })
      : h("span", { class: "muted", text: `acknowledged by ${alert.acknowledgedBy}` });
    return h("li", { dataset: { alert: String(alert.alertId), severity: alert.severity, status: alert.status } },
      h("span", { class: "severity", text: alert.severity }),
      h("a", { href: `#/devices/${encodeURIComponent(alert.deviceId)}`, text: alert.deviceId }),
      h("span", { class: "what", text: what }),
      h("span", { class: "muted", text: `since ${formatTime(alert.openedAt)}` }),
      acknowledge);
  }

  #badges() {
    if (this.#deviceId !== null) {
      return;
    }
    const counts = new Map();
    this.#active().forEach((alert) => counts.set(alert.deviceId, (counts.get(alert.deviceId) ?? 0) + 1));
    document.querySelectorAll("tr[data-device]").forEach((row) => {
      const count = counts.get(row.dataset.device);
      if (count === undefined) {
        delete row.dataset.alerts;
      } else if (row.dataset.alerts !== String(count)) {
        row.dataset.alerts = String(count);
      }
    });
  }
}
