// The fleet: every device the operator may see, by namespace, kept current by the namespace rooms (summaries at
// most once a second per device, presence events) and by the device list (holes, new and revoked devices).

import { api } from "./api.js";
import { fromTemplate, h, part, setText } from "./dom.js";
import { formatAgo, formatRate, formatTime } from "./format.js";
import { provisionDevice, revokeDevice, rotateSecret } from "./device-admin.js";

const REFRESH_MS = 15000;
const FALLBACK_REFRESH_MS = 5000;

export class FleetView {
  #root;
  #operator;
  #connection;
  #devices = new Map();
  #rows = new Map();
  #sections = new Map();
  #timer = null;
  #refreshSoon = null;
  #removers = [];

  constructor(container, operator, connection) {
    this.#operator = operator;
    this.#connection = connection;
    this.#root = fromTemplate("fleet-view");
    container.replaceChildren(this.#root);
    for (const id of ["search", "presence-filter", "namespace-filter"]) {
      this.#root.querySelector(`#${id}`).addEventListener("input", () => this.#render());
    }
    const provision = this.#root.querySelector("#provision");
    provision.hidden = operator.role !== "admin";
    provision.addEventListener("click", async () => {
      if (await provisionDevice(this.#namespaces())) {
        this.#refresh();
      }
    });
    this.#removers.push(connection.onMessage((message) => this.#onMessage(message)),
      connection.onState((state) => {
        if (state.name === "live" || state.name === "fallback") {
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
      this.#rows.get(id)?.remove();
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
    this.#render();
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
  }

  /** The namespaces to show: those of the visible devices, and a viewer's own even when empty. */
  #namespaces() {
    const namespaces = new Set([...this.#devices.values()].map((device) => device.namespace));
    if (this.#operator.role !== "admin") {
      this.#operator.namespaces.forEach((namespace) => namespaces.add(namespace));
    }
    return [...namespaces].sort();
  }

  #render() {
    const search = this.#root.querySelector("#search").value.trim().toLowerCase();
    const presence = this.#root.querySelector("#presence-filter").value;
    const namespaceFilter = this.#root.querySelector("#namespace-filter");
    const namespaces = this.#namespaces();
    syncOptions(namespaceFilter, namespaces);
    const shown = [];
    let matching = 0;
    for (const namespace of namespaces) {
      const all = [...this.#devices.values()].filter((device) => device.namespace === namespace);
      const devices = all.filter((device) => (!search || device.deviceId.toLowerCase().includes(search))
        && (!presence || device.presence === presence)).sort((a, b) => a.deviceId.localeCompare(b.deviceId));
      if (namespaceFilter.value && namespaceFilter.value !== namespace) {
        continue;
      }
      if (devices.length === 0 && (search || presence || all.length > 0)) {
        continue;
      }
      matching += devices.length;
      const section = this.#section(namespace);
      const online = all.filter((device) => device.presence !== "offline").length;
      setText(part(section, "counts"), `${all.length} device${all.length === 1 ? "" : "s"} · ${online} online`);
      const rows = devices.map((device) => this.#row(device));
      const body = part(section, "rows");
      if (rows.length !== body.children.length || rows.some((row, i) => body.children[i] !== row)) {
        body.replaceChildren(...rows);
      }
      shown.push(section);
    }
    const list = part(this.#root, "namespaces");
    if (shown.length !== list.children.length || shown.some((section, i) => list.children[i] !== section)) {
      list.replaceChildren(...shown);
    }
    part(this.#root, "empty").hidden = matching > 0;
    const total = this.#devices.size;
    const online = [...this.#devices.values()].filter((device) => device.presence !== "offline").length;
    setText(part(this.#root, "totals"), `${total} device${total === 1 ? "" : "s"} · ${online} online`);
  }

  #section(namespace) {
    if (!this.#sections.has(namespace)) {
      const section = fromTemplate("namespace-section");
      section.dataset.namespace = namespace;
      setText(part(section, "name"), namespace);
      setText(part(section, "actions-head"), this.#operator.role === "admin" ? "Admin" : "");
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
    cells[6].classList.toggle("warn", device.rejected > 0);
    return row;
  }

  #newRow(deviceId) {
    const actions = h("td", { class: "actions" });
    if (this.#operator.role === "admin") {
      actions.append(
        h("button", { type: "button", class: "small", text: "New secret",
          on: { click: () => rotateSecret(deviceId).catch((error) => this.#notice(error.message)) } }),
        h("button", { type: "button", class: "small", text: "Revoke",
          on: { click: () => this.#revoke(deviceId) } }));
    }
    return h("tr", { dataset: { device: deviceId } },
      h("td", {}, h("a", { href: `#/devices/${encodeURIComponent(deviceId)}`, text: deviceId })),
      h("td", {}, h("span", { class: "presence" })),
      h("td", {}), h("td", { class: "num" }), h("td", { class: "num" }), h("td", { class: "num" }),
      h("td", { class: "num" }), actions);
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
    select.replaceChildren(select.options[0], ...namespaces.map((namespace) => new Option(namespace)));
    select.value = namespaces.includes(chosen) ? chosen : "";
  }
}
