// A device's alerts as its charts mark them: the open and acknowledged ones from the room's snapshot, every change
// from the room's alert messages, and the cleared ones over the span the charts show loaded from the hub, so that an
// alert stays marked after it cleared. Rule names and thresholds come from the rules when the operator may read them
// (admins); otherwise a mark names its rule by id.

import { api } from "./api.js";

const PAGE = 1000;
const MAX_PAGES = 10; // cleared alerts loaded per span at most: 10 000, far more than a chart can tell apart
const RETRY_MS = 5000; // after a failed load, the charts' next redraws wait this long before asking again

export class AlertMarks {
  #deviceId;
  #alerts = new Map();
  #rules = new Map();
  #rulesForbidden = false;
  #rulesLoading = false;
  #coveredFrom = null; // the cleared alerts that cleared at or after this time are loaded
  #loading = null;
  #retryAt = 0;

  constructor(deviceId) {
    this.#deviceId = deviceId;
  }

  /** Keeps an alert's latest state: messages from several nodes may repeat one, and a cleared one stays cleared. */
  keep(alert) {
    if (alert.deviceId !== this.#deviceId) {
      return false;
    }
    const known = this.#alerts.get(alert.alertId);
    if (known?.status === "cleared" || (known?.status === "acknowledged" && alert.status === "open")) {
      return false;
    }
    this.#alerts.set(alert.alertId, alert);
    return true;
  }

  /** After a reconnect changes may have been missed: the next cover() loads the alerts again. */
  forget() {
    this.#coveredFrom = null;
  }

  /**
   * Loads the device's active alerts and those that cleared at or after from, unless loaded already; true when it
   * loaded any. Newest first, page by page, until a whole page cleared before from.
   */
  async cover(from) {
    if ((this.#coveredFrom !== null && this.#coveredFrom <= from) || Date.now() < this.#retryAt) {
      return false;
    }
    if (this.#loading === null) {
      this.#loading = this.#load(from).catch((error) => {
        this.#retryAt = Date.now() + RETRY_MS;
        throw error;
      }).finally(() => {
        this.#loading = null;
      });
    }
    return this.#loading;
  }

  async #load(from) {
    const device = `deviceId=${encodeURIComponent(this.#deviceId)}`;
    let found = false;
    const active = await api("GET", `api/alerts?status=active&limit=${PAGE}&${device}`);
    active.alerts.forEach((alert) => {
      found = this.keep(alert) || found;
    });
    let after = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await api("GET",
        `api/alerts?status=cleared&limit=${PAGE}&${device}${after === null ? "" : `&after=${after}`}`);
      answer.alerts.forEach((alert) => {
        found = this.keep(alert) || found;
      });
      after = answer.next;
      if (after === null || answer.alerts.every((alert) => alert.clearedAt < from)) {
        break;
      }
    }
    this.#coveredFrom = Math.min(from, this.#coveredFrom ?? from);
    return (await this.loadRules()) || found;
  }

  /**
   * Loads the rules' names and thresholds when an alert names a rule not known yet; true when it loaded them. An
   * operator who may not read rules (a viewer) is not asked again, and sees marks named by rule id.
   */
  async loadRules() {
    const unknown = [...this.#alerts.values()].some((alert) => !this.#rules.has(alert.ruleId));
    if (this.#rulesForbidden || this.#rulesLoading || !unknown) {
      return false;
    }
    this.#rulesLoading = true;
    try {
      const answer = await api("GET", "api/alert-rules");
      answer.rules.forEach((rule) => this.#rules.set(rule.ruleId, rule));
      return true;
    } catch (error) {
      this.#rulesForbidden = error.status === 403;
      return false;
    } finally {
      this.#rulesLoading = false;
    }
  }

  /**
   * The marks of a metric's chart over [from, to], oldest first: { alertId, rule, severity, status, from, to,
   * threshold }, where to is when the alert cleared, or now while it is active.
   */
  marks(metric, [from, to], now = Date.now()) {
    const marks = [];
    for (const alert of this.#alerts.values()) {
      if (alert.metric !== metric || alert.metric === null) {
        continue;
      }
      const end = alert.clearedAt ?? Math.max(now, alert.openedAt);
      if (end < from || alert.openedAt > to) {
        continue;
      }
      const rule = this.#rules.get(alert.ruleId);
      marks.push({
        alertId: alert.alertId,
        rule: rule?.name ?? `rule ${alert.ruleId}`,
        severity: alert.severity,
        status: alert.status,
        from: alert.openedAt,
        to: end,
        threshold: rule?.kind !== "silence" && Number.isFinite(rule?.threshold) ? rule.threshold : null,
      });
    }
    return marks.sort((a, b) => a.from - b.from || a.alertId - b.alertId);
  }
}
