// The time window a device room shows: live, a span ending now, or a range typed in or dragged across a chart. It
// renders the window buttons and the range form, and tells the room when the window changes.

import { h, part } from "./dom.js";
import { fromLocalInput, toLocalInput } from "./format.js";
import { WINDOWS, customWindow, windowRange } from "./history.js";

export class WindowPicker {
  window = WINDOWS[0];
  #group;
  #form;
  #choose;
  #liveRange;
  #refuse;

  /**
   * root: the room, holding the "windows" group and the "range" form; choose(window): the window changed;
   * liveRange(): the span the live window shows; refuse(sentence): a range that cannot be shown.
   */
  constructor(root, { choose, liveRange, refuse }) {
    this.#group = part(root, "windows");
    this.#form = part(root, "range");
    this.#choose = choose;
    this.#liveRange = liveRange;
    this.#refuse = refuse;
    this.#group.replaceChildren(...[...WINDOWS, { key: "custom", label: "Custom" }].map((window) => h("button", {
      type: "button",
      dataset: { window: window.key },
      "aria-pressed": String(window.key === this.window.key),
      text: window.label,
      on: { click: () => (window.key === "custom" ? this.#openRange() : this.#select(window)) },
    })));
    this.#form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#submitRange();
    });
  }

  /** A span dragged across a chart: shown as a custom range, with the range form filled in to adjust it. */
  zoom(from, to) {
    this.#fillRange(from, to);
    this.#select(customWindow(from, to));
  }

  /** Shows the range form, filled with the span shown now. */
  #openRange() {
    const [from, to] = windowRange(this.window) ?? this.#liveRange();
    this.#fillRange(from, to);
    this.#form.from.focus();
  }

  #fillRange(from, to) {
    this.#form.from.value = toLocalInput(from);
    this.#form.to.value = toLocalInput(to);
    this.#form.hidden = false;
  }

  #submitRange() {
    const from = fromLocalInput(this.#form.from.value);
    const to = fromLocalInput(this.#form.to.value);
    if (!(from < to)) {
      this.#refuse("The range must end after it starts.");
      return;
    }
    this.#select(customWindow(from, to));
  }

  #select(window) {
    this.window = window;
    this.#form.hidden = window.key !== "custom";
    this.#group.querySelectorAll("button").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.window === window.key));
    });
    this.#choose(window);
  }
}
