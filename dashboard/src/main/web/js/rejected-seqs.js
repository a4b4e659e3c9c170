// The seqs the hub refused for their content and never stored, over the seqs a device room holds: loaded from the
// hub by seq range and kept current by live rejections, so that charts mark them apart from lost seqs.

import { api, devicePath } from "./api.js";

const PAGE = 10000;

export class RejectedSeqs {
  #deviceId;
  #seqs = new Set();
  #covered = null; // [first, last] seq range loaded from the hub

  constructor(deviceId) {
    this.#deviceId = deviceId;
  }

  get seqs() {
    return this.#seqs;
  }

  /** A rejection that arrived live. */
  add(seq) {
    if (seq !== null && seq !== undefined) {
      this.#seqs.add(seq);
    }
  }

  /** After a reconnect rejections may have been missed: the next cover() loads the whole range again. */
  forget() {
    this.#covered = null;
  }

  /** Loads the refused seqs of [first, last] that were not loaded yet; true when it found any. */
  async cover(first, last) {
    const covered = this.#covered;
    const missing = covered === null ? [[first, last]]
      : [[first, covered[0] - 1], [covered[1] + 1, last]].filter(([from, to]) => from <= to);
    let found = false;
    for (const [from, to] of missing) {
      let next = from;
      while (next !== null) {
        const answer = await api("GET",
          devicePath(this.#deviceId, `/rejections?fromSeq=${next}&toSeq=${to}&limit=${PAGE}`));
        answer.rejectedSeqs.forEach((rejected) => this.#seqs.add(rejected.seq));
        found ||= answer.rejectedSeqs.length > 0;
        next = answer.next;
      }
    }
    this.#covered = covered === null ? [first, last] : [Math.min(first, covered[0]), Math.max(last, covered[1])];
    return found;
  }
}
