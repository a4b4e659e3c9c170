// The dashboard's entry point: restores or asks for a session, keeps one connection to the hub, and shows the
// fleet (#/) or a device room (#/devices/<id>).

import { AlertsPanel } from "./alerts.js";
import { onUnauthorized } from "./api.js";
import { h } from "./dom.js";
import { HubConnection } from "./connection.js";
import { ConnectionIndicator } from "./indicator.js";
import { DeviceView } from "./device-view.js";
import { FleetView } from "./fleet.js";
import { LoginView } from "./login.js";
import { forget, restore, signOut } from "./session.js";
import { backoffDelay } from "./backoff.js";

const main = document.getElementById("view");
const crumbs = document.getElementById("crumbs");
const operatorName = document.getElementById("operator");
const signOutButton = document.getElementById("sign-out");
const indicator = new ConnectionIndicator(document.getElementById("connection"));

let operator = null;
let connection = null;
let view = null;
let alerts = null;

/** The hub's sentence ("the session ended because …") as the page shows it. */
function sentence(text) {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** Shows the sign-in form; why says what ended the session, if one ended. */
function showLogin(why = null) {
  view?.close();
  alerts?.close();
  alerts = null;
  connection?.stop();
  connection = null;
  operator = null;
  operatorName.hidden = true;
  signOutButton.hidden = true;
  crumbs.replaceChildren();
  indicator.show({ name: "idle", retryAt: null, reconnects: 0, connectedAt: null });
  view = new LoginView(main, signedIn, why);
}

function signedIn(who) {
  operator = who;
  operatorName.textContent = `${who.username} · ${who.role}`;
  operatorName.hidden = false;
  signOutButton.hidden = false;
  connection = new HubConnection();
  connection.onState((state) => indicator.show(state));
  connection.onSessionEnded((message) => {
    forget();
    showLogin(sentence(message));
  });
  indicator.show(connection.state);
  connection.start();
  view = null;
  route();
}

function route() {
  if (operator === null) {
    return;
  }
  view?.close();
  alerts?.close();
  const device = /^#\/devices\/(.+)$/.exec(location.hash);
  if (device) {
    const deviceId = decodeURIComponent(device[1]);
    crumbs.replaceChildren(h("a", { href: "#/", text: "Fleet" }), h("span", { text: "›" }),
      h("span", { text: deviceId }));
    view = new DeviceView(main, deviceId, connection);
  } else {
    crumbs.replaceChildren(h("span", { text: "Fleet" }));
    view = new FleetView(main, operator, connection);
  }
  alerts = new AlertsPanel(main, connection, device ? decodeURIComponent(device[1]) : null);
}

/** Restores the session after a reload; while the hub cannot be reached, tries again with backoff. */
async function boot(attempt = 0) {
  let who;
  try {
    who = await restore();
  } catch {
    const delay = backoffDelay(attempt);
    indicator.show({ name: "unreachable", retryAt: Date.now() + delay, reconnects: 0, connectedAt: null });
    setTimeout(() => boot(attempt + 1), delay);
    return;
  }
  if (who === null) {
    showLogin();
  } else {
    signedIn(who);
  }
}

onUnauthorized((error) => {
  if (operator !== null) {
    forget();
    showLogin(sentence(error.code === "session_ended" ? error.message : "your session ended; sign in again"));
  }
});
signOutButton.addEventListener("click", async () => {
  try {
    await signOut();
  } finally {
    showLogin();
  }
});
window.addEventListener("hashchange", route);

/** A read-only window into what the page shows, for tests and for curious operators in the console. */
window.hubDashboard = Object.freeze({
  series: (metric) => (view instanceof DeviceView ? view.series(metric) : null),
  offsets: () => (view instanceof DeviceView ? view.offsets() : null),
  xAxisLabels: (metric) => (view instanceof DeviceView ? view.xAxisLabels(metric) : null),
  connection: () => connection?.state ?? null,
});

boot();
