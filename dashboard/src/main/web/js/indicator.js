// The connection indicator in the top bar: a coloured dot and a sentence, with a countdown while reconnecting.

import { formatTime } from "./format.js";

const LABELS = {
  idle: () => "Not connected",
  connecting: () => "Connecting…",
  live: () => "Live",
  reconnecting: (state) => `Reconnecting${countdown(state)}`,
  unreachable: (state) => `Hub unreachable, retrying${countdown(state)}`,
  fallback: () => "Live over SSE (WebSocket blocked)",
};

function countdown(state) {
  if (state.retryAt === null) {
    return "…";
  }
  return ` in ${Math.max(1, Math.ceil((state.retryAt - Date.now()) / 1000))} s`;
}

export class ConnectionIndicator {
  #element;
  #label;
  #timer = null;
  #state = { name: "idle", retryAt: null, reconnects: 0, connectedAt: null };

  constructor(element) {
    this.#element = element;
    this.#label = element.querySelector(".label");
  }

  show(state) {
    this.#state = state;
    this.#render();
    clearInterval(this.#timer);
    if (state.retryAt !== null) {
      this.#timer = setInterval(() => this.#render(), 1000);
    }
  }

  #render() {
    const state = this.#state;
    this.#element.dataset.state = state.name;
    this.#element.dataset.reconnects = String(state.reconnects);
    this.#label.textContent = LABELS[state.name](state);
    this.#element.title = state.connectedAt === null ? "" : `Connected since ${formatTime(state.connectedAt)}`
      + (state.reconnects ? `, after ${state.reconnects} reconnect(s)` : "");
  }
}
