// The fleet: every device the operator may see, by namespace, kept current by the namespace rooms (summaries at
// most once a second per device, presence events) and by the device list (holes, rejections, new and revoked
// devices). Columns sort; each namespace shows one page of rows at a time, so ten thousand devices stay fast.

import { api } from "./api.js";
import { fromTemplate, h, part, setText } from "./dom.js";
import { formatAgo, formatRate, formatTime } from "./format.js";
import { provisionDevice, revokeDevice, rotateSecret } from "./device-admin.js";
import { StaleMark } from "./staleness.js";
import { compareDevices, defaultDirection } from "./fleet-order.js";

const REFRESH_MS = 15000;
const FALLBACK_REFRESH_MS = 5000;
const RENDER_EVERY_MS = 250;
const PAGE_SIZE = 50;
const COLUMNS = ["Device", "Presence", "Last seen", "Readings/s", "Last seq", "Holes", "Rejected", "Admin"];

export class FleetView {
  #root;
  #operator;
  #connection;
  #stale;
  #devices = new Map();
  #rows = new Map();
  #sections = new Map();
  #pages = new Map();
  #order = { key: "deviceId", direction: "ascending" };
  #timer = null;
  #refreshSoon = null;
  #renderSoon = null;
  #removers = [];

  constructor(container, operator, connection) {
    this.#operator = operator;
    this.#connection = connection;
    this.#root = fromTemplate("fleet-view");
    container.replaceChildren(this.#root);
    this.#stale = new StaleMark(this.#root, part(this.#root, "stale"));
    for (const id of ["search", "presence-filter", "namespace-filter"]) {
      this.#root.querySelector(`#${id}`).addEventListener("input", () => {
        this.#pages.clear();
        this.#render();
      });
    }
    const provision = this.#root.querySelector("#provision");
    provision.hidden = operator.role !== "admin";
    provision.addEventListener("click", async () => {
      if (await provisionDevice(this.#namespaces())) {
        this.#refresh();
      }
    });
    this.#stale.follow(connection.state);
    this.#removers.push(connection.onMessage((message) => this.#onMessage(message)),
      connection.onState((state) => {
        if (this.#stale.follow(state)) {
          this.#refresh();
        }
      }));
    this.#timer = setInterval(() => this.#render(), 1000);
    this.#refresh();
  }

  close() {
    this.#removers.forEach((remove) => remove());
    clearInterval(this.#timer);
    clearTimeout(this.#refreshSoon);
    clearTimeout(this.#renderSoon);
    this.#namespaces().forEach((namespace) => this.#connection.unwatchNamespace(namespace));
  }

  /** Reloads the device list, then polls it: often while only SSE works (no summaries), else now and then. */
  async #refresh() {
    clearTimeout(this.#refreshSoon);
    const fallback = this.#connection.state.name === "fallback";
    this.#refreshSoon = setTimeout(() => this.#refresh(), fallback ? FALLBACK_REFRESH_MS : REFRESH_MS);
    let answer;
    try {
      answer = await api("GET", "api/devices");
    } catch (error) {
      this.#notice(error.status === undefined ? "" : error.message);
      return;
    }
    this.#notice("");
    const listed = new Set(answer.devices.map((device) => device.deviceId));
    for (const id of [...this.#devices.keys()].filter((known) => !listed.has(known))) {
      this.#devices.delete(id);
      this.#rows.delete(id);
    }
    for (const device of answer.devices) {
      const known = this.#devices.get(device.deviceId) ?? { ratePerS: null, rejected: null, presenceVersion: -1 };
      const presence = (device.presenceVersion ?? 0) >= known.presenceVersion
        ? { presence: device.presence, presenceVersion: device.presenceVersion ?? 0 } : {};
      this.#devices.set(device.deviceId, { ...known, ...device, ...presence });
    }
    this.#namespaces().forEach((namespace) => this.#connection.watchNamespace(namespace));
    this.#render();
  }

  #onMessage(message) {
    if (message.type === "subscribed" && message.namespace !== undefined) {
      message.devices.forEach((summary) => this.#summary(summary));
    } else if (message.type === "device-summary") {
      this.#summary(message);
    } else if (message.type === "presence") {
      const device = this.#devices.get(message.device);
      if (device && message.version >= device.presenceVersion) {
        device.presence = message.state;
        device.presenceVersion = message.version;
      }
    } else {
      return;
    }
    this.#scheduleRender();
  }

  #summary(summary) {
    const device = this.#devices.get(summary.device);
    if (!device) {
      clearTimeout(this.#refreshSoon);
      this.#refreshSoon = setTimeout(() => this.#refresh(), 300);
      return;
    }
    Object.assign(device, { presence: summary.presence, lastSeenAt: summary.lastSeenAt,
      lastSeq: summary.lastSeq, ratePerS: summary.ratePerS, rejected: summary.rejected });
    if (summary.holes !== undefined) {
      device.holes = summary.holes;
    }
  }

  /** The namespaces to show: those of the visible devices, and a viewer's own even when empty. */
  #namespaces() {
    const namespaces = new Set([...this.#devices.values()].map((device) => device.namespace));
    if (this.#operator.role !== "admin") {
      this.#operator.namespaces.forEach((namespace) => namespaces.add(namespace));
    }
    return [...namespaces].sort();
  }

  #scheduleRender() {
    if (this.#renderSoon === null) {
      this.#renderSoon = setTimeout(() => this.#render(), RENDER_EVERY_MS);
    }
  }

  #render() {
    clearTimeout(this.#renderSoon);
    this.#renderSoon = null;
    const search = this.#root.querySelector("#search").value.trim().toLowerCase();
    const presence = this.#root.querySelector("#presence-filter").value;
    const namespaceFilter = this.#root.querySelector("#namespace-filter");
    const namespaces = this.#namespaces();
    syncOptions(namespaceFilter, namespaces);
    const byNamespace = new Map(namespaces.map((namespace) => [namespace, []]));
    this.#devices.forEach((device) => byNamespace.get(device.namespace).push(device));
    const compare = compareDevices(this.#order);
    const shown = [];
    const visibleRows = new Set();
    let matching = 0;
    for (const [namespace, all] of byNamespace) {
      if (namespaceFilter.value && namespaceFilter.value !== namespace) {
        continue;
      }
      const devices = all.filter((device) => (!search || device.deviceId.toLowerCase().includes(search))
        && (!presence || device.presence === presence));
      if (devices.length === 0 && (search || presence || all.length > 0)) {
        continue;
      }
      devices.sort(compare);
      matching += devices.length;
      const section = this.#section(namespace);
      const online = all.filter((device) => device.presence !== "offline").length;
      setText(part(section, "counts"), `${all.length} device${all.length === 1 ? "" : "s"} · ${online} online`);
      const page = this.#page(namespace, devices.length);
      const rows = devices.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).map((device) => this.#row(device));
      rows.forEach((row) => visibleRows.add(row));
      const body = part(section, "rows");
      if (rows.length !== body.children.length || rows.some((row, i) => body.children[i] !== row)) {
        body.replaceChildren(...rows);
      }
      this.#showPager(section, page, devices.length);
      this.#showOrder(section);
      shown.push(section);
    }
    const list = part(this.#root, "namespaces");
    if (shown.length !== list.children.length || shown.some((section, i) => list.children[i] !== section)) {
      list.replaceChildren(...shown);
    }
    for (const [id, row] of this.#rows) {
      if (!visibleRows.has(row)) {
        this.#rows.delete(id);
      }
    }
    part(this.#root, "empty").hidden = matching > 0;
    const total = this.#devices.size;
    const online = [...this.#devices.values()].filter((device) => device.presence !== "offline").length;
    setText(part(this.#root, "totals"), `${total} device${total === 1 ? "" : "s"} · ${online} online`);
  }

  /** The page of a namespace to show, kept within the pages its matching devices fill. */
  #page(namespace, count) {
    const last = Math.max(0, Math.ceil(count / PAGE_SIZE) - 1);
    const page = Math.min(this.#pages.get(namespace) ?? 0, last);
    this.#pages.set(namespace, page);
    return page;
  }

  #showPager(section, page, count) {
    const pager = part(section, "pager");
    pager.hidden = count <= PAGE_SIZE;
    setText(part(pager, "page"), `${page * PAGE_SIZE + 1}–${Math.min(count, (page + 1) * PAGE_SIZE)} of ${count}`);
    part(pager, "previous").disabled = page === 0;
    part(pager, "next").disabled = (page + 1) * PAGE_SIZE >= count;
  }

  #showOrder(section) {
    section.querySelectorAll("th[data-sort]").forEach((header) => {
      if (header.dataset.sort === this.#order.key) {
        header.setAttribute("aria-sort", this.#order.direction);
      } else {
        header.removeAttribute("aria-sort");
      }
    });
  }

  #sortBy(key) {
    const direction = this.#order.key === key
      ? (this.#order.direction === "ascending" ? "descending" : "ascending") : defaultDirection(key);
    this.#order = { key, direction };
    this.#pages.clear();
    this.#render();
  }

  #section(namespace) {
    if (!this.#sections.has(namespace)) {
      const section = fromTemplate("namespace-section");
      section.dataset.namespace = namespace;
      setText(part(section, "name"), namespace);
      setText(part(section, "actions-head"), this.#operator.role === "admin" ? "Admin" : "");
      section.querySelectorAll("th[data-sort] button").forEach((button) => {
        button.addEventListener("click", () => this.#sortBy(button.parentElement.dataset.sort));
      });
      const turn = (step) => {
        this.#pages.set(namespace, (this.#pages.get(namespace) ?? 0) + step);
        this.#render();
      };
      part(section, "previous").addEventListener("click", () => turn(-1));
      part(section, "next").addEventListener("click", () => turn(1));
      this.#sections.set(namespace, section);
    }
    return this.#sections.get(namespace);
  }

  /** The device's row, created once and updated in place so that hovering and focus survive updates. */
  #row(device) {
    let row = this.#rows.get(device.deviceId);
    if (!row) {
      row = this.#newRow(device.deviceId);
      this.#rows.set(device.deviceId, row);
    }
    const cells = row.children;
    setText(cells[1].firstChild, device.presence);
    cells[1].firstChild.dataset.presence = device.presence;
    setText(cells[2], formatAgo(device.lastSeenAt));
    cells[2].title = device.lastSeenAt === null ? "" : formatTime(device.lastSeenAt);
    setText(cells[3], formatRate(device.ratePerS));
    setText(cells[4], device.lastSeq > 0 ? device.lastSeq : "–");
    setText(cells[5], device.holes);
    cells[5].classList.toggle("warn", device.holes > 0);
    setText(cells[6], device.rejected ?? "–");
    cells[6].classList.toggle("refused", device.rejected > 0);
    return row;
  }

  #newRow(deviceId) {
    const actions = h("td", { class: "actions", "data-label": COLUMNS[7] });
    if (this.#operator.role === "admin") {
      actions.append(
        h("button", { type: "button", class: "small", text: "New secret", "aria-label": `New secret for ${deviceId}`,
          on: { click: () => rotateSecret(deviceId).catch((error) => this.#notice(error.message)) } }),
        h("button", { type: "button", class: "small", text: "Revoke", "aria-label": `Revoke ${deviceId}`,
          on: { click: () => this.#revoke(deviceId) } }));
    }
    const cell = (index, className) => h("td", { class: className, "data-label": COLUMNS[index] });
    return h("tr", { dataset: { device: deviceId } },
      h("td", { class: "device-id" }, h("a", { href: `#/devices/${encodeURIComponent(deviceId)}`, text: deviceId })),
      h("td", { "data-label": COLUMNS[1] }, h("span", { class: "presence live-figure" })),
      cell(2, "live-figure"), cell(3, "num live-figure"), cell(4, "num live-figure"), cell(5, "num live-figure"),
      cell(6, "num live-figure"), actions);
  }

  async #revoke(deviceId) {
    try {
      if (await revokeDevice(deviceId)) {
        this.#refresh();
      }
    } catch (error) {
      this.#notice(error.message);
    }
  }

  #notice(text) {
    const notice = part(this.#root, "notice");
    notice.textContent = text;
    notice.hidden = text === "";
  }
}

/** Keeps a select's options equal to "all" plus the namespaces, without losing the choice. */
function syncOptions(select, namespaces) {
  const current = [...select.options].slice(1).map((option) => option.value);
  if (current.join("\n") !== namespaces.join("\n")) {
    const chosen = select.value;
    select.replaceChildren(select.options[0], ...namespaces.map((namespace) => new Option(namespace, namespace)));
    select.value = namespaces.includes(chosen) ? chosen : "";
  }
}
