// Recent rejections of a device: when, which seq, the code and the hub's sentence, all as plain text.

import { api, devicePath } from "./api.js";
import { h, part } from "./dom.js";
import { formatTime } from "./format.js";

const KEPT = 100;

export class RejectionsPanel {
  #list;
  #empty;
  #rejections = [];
  #arriving = null;

  constructor(root) {
    this.#list = part(root, "rejections");
    this.#empty = part(root, "no-rejections");
  }

  /**
   * Loads the latest rejections from the store (on open, and after a reconnect to cover what was missed), keeping
   * live ones that arrived meanwhile and that the answer does not hold yet.
   */
  async load(deviceId) {
    const arrived = [];
    this.#arriving = arrived;
    let answer;
    try {
      answer = await api("GET", devicePath(deviceId, "/rejections"));
    } finally {
      this.#arriving = null;
    }
    const key = (rejection) => `${rejection.seq}/${rejection.error}/${rejection.at}`;
    const stored = new Set(answer.rejections.map(key));
    const newer = arrived.filter((rejection) => !stored.has(key(rejection))).reverse();
    this.#rejections = [...newer, ...answer.rejections].slice(0, KEPT);
    this.#render();
  }

  add(rejection) {
    this.#arriving?.push(rejection);
    this.#rejections.unshift(rejection);
    this.#rejections.length = Math.min(this.#rejections.length, KEPT);
    this.#render();
  }

  #render() {
    this.#list.replaceChildren(...this.#rejections.map((rejection) => h("li", {},
      h("span", { class: "when", text: formatTime(rejection.at) }),
      h("span", { class: "code", text: rejection.error }),
      h("span", { class: "muted", text: rejection.seq === null ? "no seq" : `seq ${rejection.seq}` }),
      h("span", { class: "message", text: rejection.message }))));
    this.#empty.hidden = this.#rejections.length > 0;
  }
}
