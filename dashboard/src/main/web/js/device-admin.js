// What an admin does to devices: provision one (its secret shown once, with a command that gets a ticket), give it
// a new secret, revoke it. The dialogs are in index.html; these functions fill them with text and await a choice.

import { api, devicePath } from "./api.js";
import { part, setText } from "./dom.js";

/** Opens the provisioning form; resolves with the new device, or null when cancelled. */
export function provisionDevice(namespaces) {
  const dialog = document.getElementById("provision-dialog");
  const form = part(dialog, "form");
  const error = part(dialog, "error");
  document.getElementById("known-namespaces")
    .replaceChildren(...namespaces.map((namespace) => new Option(namespace)));
  form.reset();
  error.textContent = "";
  return new Promise((resolve) => {
    const controller = new AbortController();
    const listen = { signal: controller.signal };
    const finish = (device) => {
      controller.abort();
      dialog.close();
      resolve(device);
    };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const submit = form.querySelector("button[type=submit]");
      submit.disabled = true;
      try {
        const device = await api("POST", "api/devices", {
          deviceId: form.deviceId.value.trim(),
          namespace: form.namespace.value.trim(),
          reportIntervalMs: Math.round(Number(form.reportIntervalS.value) * 1000),
        });
        finish(device);
        await showSecret(`Device ${device.deviceId} is provisioned`, device.deviceId, device.secret);
      } catch (failure) {
        error.textContent = failure.message;
      } finally {
        submit.disabled = false;
      }
    }, listen);
    part(dialog, "cancel").addEventListener("click", () => finish(null), listen);
    dialog.addEventListener("cancel", () => finish(null), listen);
    dialog.showModal();
    form.deviceId.focus();
  });
}

/** Gives a device a new secret after a confirmation; its old tickets stop working. */
export async function rotateSecret(deviceId) {
  if (!await confirmAction(`New secret for ${deviceId}?`, "The device's old secret and tickets stop working at "
    + "once; the device needs the new secret to get tickets again.", "Replace secret")) {
    return;
  }
  const answer = await api("POST", devicePath(deviceId, "/secret"));
  await showSecret(`New secret for ${deviceId}`, deviceId, answer.secret);
}

/** Revokes a device after a confirmation: its connections close and its tickets stop working. */
export async function revokeDevice(deviceId) {
  if (!await confirmAction(`Revoke ${deviceId}?`, "Its connections close within a second and its tickets stop "
    + "working. Provisioning the same id again makes a new device.", "Revoke")) {
    return false;
  }
  await api("DELETE", devicePath(deviceId));
  return true;
}

function showSecret(title, deviceId, secret) {
  const dialog = document.getElementById("secret-dialog");
  const origin = location.origin;
  setText(part(dialog, "title"), title);
  setText(part(dialog, "secret"), secret);
  setText(part(dialog, "command"), `curl -sS -X POST '${origin}/api/tickets' \\\n`
    + "  -H 'Content-Type: application/json' \\\n"
    + `  -d '{"deviceId":"${deviceId}","secret":"${secret}"}'`);
  setText(part(dialog, "socket"), `${origin.replace(/^http/, "ws")}/ws/device`);
  setText(part(dialog, "readings-path"), `POST ${origin}/${devicePath(deviceId, "/readings")}`);
  dialog.querySelectorAll("[data-copy]").forEach((button) => {
    button.textContent = "Copy";
  });
  return new Promise((resolve) => {
    const controller = new AbortController();
    const listen = { signal: controller.signal };
    const finish = () => {
      controller.abort();
      dialog.close();
      forgetSecret(dialog);
      resolve();
    };
    dialog.querySelectorAll("[data-copy]").forEach((button) => {
      button.addEventListener("click", () => copy(button, document.getElementById(button.dataset.copy)), listen);
    });
    part(dialog, "done").addEventListener("click", finish, listen);
    dialog.addEventListener("cancel", finish, listen);
    dialog.showModal();
  });
}

/** Takes the secret out of the page once its dialog is closed: it is shown once, not kept. */
function forgetSecret(dialog) {
  setText(part(dialog, "secret"), "");
  setText(part(dialog, "command"), "");
  getSelection().removeAllRanges();
}

function confirmAction(title, text, action) {
  const dialog = document.getElementById("confirm-dialog");
  setText(part(dialog, "title"), title);
  setText(part(dialog, "text"), text);
  setText(part(dialog, "confirm"), action);
  return new Promise((resolve) => {
    const controller = new AbortController();
    const listen = { signal: controller.signal };
    const finish = (confirmed) => {
      controller.abort();
      dialog.close();
      resolve(confirmed);
    };
    part(dialog, "confirm").addEventListener("click", () => finish(true), listen);
    part(dialog, "cancel").addEventListener("click", () => finish(false), listen);
    dialog.addEventListener("cancel", () => finish(false), listen);
    dialog.showModal();
  });
}

/** Copies an element's text; where the clipboard is not available, selects it for Ctrl+C instead. */
async function copy(button, source) {
  try {
    await navigator.clipboard.writeText(source.textContent);
    button.textContent = "Copied";
  } catch {
    getSelection().selectAllChildren(source);
    button.textContent = "Press Ctrl+C";
  }
}
