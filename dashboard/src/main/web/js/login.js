// The sign-in form, with the sentence saying why the page signed out when a session ended.

import { fromTemplate, part } from "./dom.js";
import { signIn } from "./session.js";

export class LoginView {
  #root;

  constructor(container, onSignedIn, why = null) {
    this.#root = fromTemplate("login-view");
    container.replaceChildren(this.#root);
    if (why !== null) {
      const notice = part(this.#root, "why");
      notice.textContent = why;
      notice.hidden = false;
    }
    const form = part(this.#root, "form");
    const error = part(this.#root, "error");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.textContent = "";
      const button = form.querySelector("button");
      button.disabled = true;
      try {
        onSignedIn(await signIn(form.username.value.trim(), form.password.value));
      } catch (failure) {
        error.textContent = failure.status === undefined ? "The hub cannot be reached; try again." : failure.message;
        button.disabled = false;
      }
    });
    form.username.focus();
  }

  close() {}
}
