// A device's recent commands (newest first, each with its state, result and times, as plain text) and, for admins,
// a form that sends one: a name, JSON args and a TTL. Live changes arrive as command_update messages.

import { api, devicePath } from "./api.js";
import { h, part, setText } from "./dom.js";
import { formatTime } from "./format.js";

const SHOWN = 20;
// how far along its life a command is: a later stage never goes back to an earlier one
const STAGE = { queued: 0, delivered: 1, succeeded: 2, failed: 2, expired: 2, cancelled: 2 };
const PAGE = 1000;

export class CommandsPanel {
  #deviceId;
  #list;
  #empty;
  #status;
  #commands = new Map();

  constructor(root, deviceId) {
    this.#deviceId = deviceId;
    this.#list = part(root, "commands");
    this.#empty = part(root, "no-commands");
    this.#status = part(root, "command-status");
    part(root, "command-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.#send(event.target);
    });
  }

  /** Loads the device's commands, page by page, and keeps the newest (on open, and after a reconnect). */
  async load() {
    let after = 0;
    for (;;) {
      const answer = await api("GET", devicePath(this.#deviceId, `/commands?limit=${PAGE}&after=${after}`));
      answer.commands.forEach((command) => this.#keep(command));
      if (answer.next === null) {
        break;
      }
      after = answer.next;
    }
    this.#render();
  }

  update(command) {
    this.#keep(command);
    this.#render();
  }

  async #send(form) {
    let args;
    try {
      args = JSON.parse(form.elements.args.value || "{}");
    } catch {
      setText(this.#status, "args must be a JSON object.");
      return;
    }
    try {
      const command = await api("POST", devicePath(this.#deviceId, "/commands"),
        { name: form.elements.name.value, args, ttlMs: Number(form.elements.ttl.value) * 1000 });
      setText(this.#status, `Sent ${command.name} (${command.commandId}).`);
      this.update(command);
    } catch (error) {
      setText(this.#status, error.message);
    }
  }

  /** Keeps the newest state of each command: a load that answers late never takes a command back. */
  #keep(command) {
    const known = this.#commands.get(command.commandId);
    if (known && STAGE[known.status] > STAGE[command.status]) {
      return;
    }
    this.#commands.set(command.commandId, { ...known, ...command });
  }

  #render() {
    const newest = [...this.#commands.values()].sort((a, b) => b.createdAt - a.createdAt).slice(0, SHOWN);
    this.#list.replaceChildren(...newest.map((command) => h("li", {},
      h("span", { class: "when", text: formatTime(command.createdAt) }),
      h("span", { class: "code", text: command.name }),
      h("span", { class: "state", text: command.status }),
      h("span", { class: "message", text: command.result === undefined ? JSON.stringify(command.args)
        : `${JSON.stringify(command.args)} → ${JSON.stringify(command.result)}` }))));
    this.#empty.hidden = newest.length > 0;
  }
}
