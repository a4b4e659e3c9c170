// While the page is not connected to the hub, what it shows is no longer live: the view is marked stale (greyed
// figures and presence, see the CSS for [data-stale]) with a sentence saying since when.

import { setText } from "./dom.js";
import { formatTime } from "./format.js";

const CONNECTED = ["live", "fallback"];

export class StaleMark {
  #root;
  #notice;
  #wasLive = false;
  #lostAt = null;

  /** root: the view whose live figures go stale; notice: where the sentence goes. */
  constructor(root, notice) {
    this.#root = root;
    this.#notice = notice;
  }

  /** Follows the connection's state; true while the page is connected. */
  follow(state) {
    const connected = CONNECTED.includes(state.name);
    if (connected) {
      this.#wasLive = true;
      this.#lostAt = null;
    } else if (this.#wasLive && this.#lostAt === null) {
      this.#lostAt = Date.now();
    }
    const stale = this.#lostAt !== null;
    this.#root.dataset.stale = String(stale);
    this.#notice.hidden = !stale;
    if (stale) {
      setText(this.#notice, "Not live: the hub cannot be reached. Presence, rates and figures below are as of "
        + `${formatTime(this.#lostAt)} and may have changed since.`);
    }
    return connected;
  }
}
