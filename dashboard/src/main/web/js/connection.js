// The page's one live connection to the hub: the dashboard WebSocket, reconnected by itself with backoff and
// jitter, every subscription renewed on each connect (a device room resumes after its last offset), and a
// Server-Sent Events stream for the device room when the WebSocket cannot connect but HTTP works. A session that
// ends (close code 4401, or the stream's session_ended event) stops it for good: the hub says why, and the page
// signs in again instead of reconnecting into 401s.

import { api, devicePath } from "./api.js";
import { backoffDelay } from "./backoff.js";

const STABLE_MS = 5000; // a connection that lasted this long resets the backoff
const FAILURES_BEFORE_FALLBACK = 2;
const FRAMES_PER_WINDOW = 10; // per second; the hub allows 20 a clock second, and a window spans at most two
const FALLBACK_SNAPSHOT_MS = 15 * 60 * 1000;
const STREAM_EVENTS = ["reading", "rejection", "presence", "lag", "truncated"];
const SESSION_ENDED_CODE = 4401;
const SESSION_ENDED = "the session ended; sign in again";

export class HubConnection {
  #messageListeners = new Set();
  #stateListeners = new Set();
  #sessionEndedListeners = new Set();
  #sessionEndedWhy = SESSION_ENDED;
  #namespaces = new Set();
  #device = null; // { id, cursor: () => last offset seen or null }
  #socket = null;
  #stream = null;
  #attempt = 0;
  #failures = 0;
  #retryTimer = null;
  #stopped = false;
  #outbox = [];
  #windowStart = 0;
  #framesInWindow = 0;
  #pacer = null;
  #state = { name: "connecting", retryAt: null, reconnects: 0, connectedAt: null };

  start() {
    this.#connect();
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#pacer);
    this.#socket?.close(1000, "signed out");
    this.#closeStream();
  }

  get state() {
    return { ...this.#state };
  }

  /** Registers a listener for every hub message (from the WebSocket or the SSE fallback); returns its remover. */
  onMessage(listener) {
    this.#messageListeners.add(listener);
    return () => this.#messageListeners.delete(listener);
  }

  onState(listener) {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Called once with the hub's sentence when the session ends; the connection has stopped by then. */
  onSessionEnded(listener) {
    this.#sessionEndedListeners.add(listener);
    return () => this.#sessionEndedListeners.delete(listener);
  }

  watchNamespace(namespace) {
    if (!this.#namespaces.has(namespace)) {
      this.#namespaces.add(namespace);
      this.#send({ type: "subscribe", namespace });
    }
  }

  unwatchNamespace(namespace) {
    if (this.#namespaces.delete(namespace)) {
      this.#send({ type: "unsubscribe", namespace });
    }
  }

  /** Joins a device room; cursor() gives the last offset the page holds, so a reconnect resumes right after it. */
  watchDevice(id, cursor) {
    this.#device = { id, cursor };
    this.#send(this.#deviceSubscription());
    if (this.#state.name === "fallback") {
      this.#openStream();
    }
  }

  unwatchDevice() {
    if (this.#device) {
      this.#send({ type: "unsubscribe", device: this.#device.id });
      this.#device = null;
      this.#closeStream();
    }
  }

  #connect() {
    const url = new URL("ws/dashboard", location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url, "hub.v1");
    this.#socket = socket;
    let openedAt = null;
    socket.onopen = () => {
      openedAt = Date.now();
      this.#closeStream();
      this.#setState({ name: "live", retryAt: null, connectedAt: openedAt,
        reconnects: this.#state.connectedAt === null ? 0 : this.#state.reconnects + 1 });
      this.#outbox = [];
      this.#namespaces.forEach((namespace) => this.#send({ type: "subscribe", namespace }));
      if (this.#device) {
        this.#send(this.#deviceSubscription());
      }
    };
    socket.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "error" && message.error === "session_ended") {
        this.#sessionEndedWhy = message.message;
        return;
      }
      this.#dispatch(message);
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) {
        return;
      }
      this.#socket = null;
      this.#outbox = [];
      if (this.#stopped) {
        return;
      }
      if (event.code === SESSION_ENDED_CODE) {
        this.#sessionEnded(this.#sessionEndedWhy);
        return;
      }
      if (openedAt !== null && Date.now() - openedAt >= STABLE_MS) {
        this.#attempt = 0;
      }
      this.#retry(openedAt === null);
    };
  }

  #retry(neverOpened) {
    const delay = backoffDelay(this.#attempt++);
    const retryAt = Date.now() + delay;
    if (this.#state.name !== "fallback") {
      this.#setState({ name: "reconnecting", retryAt });
    }
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
    this.#probe(retryAt, neverOpened);
  }

  /**
   * Asks the hub over plain HTTP what is wrong: signed out (401, handled by the api module), unreachable, or only
   * the WebSocket blocked (HTTP works but the socket never opens), which twice in a row switches to SSE.
   */
  async #probe(retryAt, neverOpened) {
    try {
      await api("GET", "api/devices?limit=1");
    } catch (error) {
      this.#failures = 0;
      if (error.status === undefined && !this.#stopped && !this.#isOpen()) {
        this.#setState({ name: "unreachable", retryAt });
      }
      return;
    }
    this.#failures = neverOpened ? this.#failures + 1 : 0;
    if (this.#stopped || this.#isOpen() || this.#failures < FAILURES_BEFORE_FALLBACK) {
      return;
    }
    this.#setState({ name: "fallback", retryAt: null });
    if (this.#device && (!this.#stream || this.#stream.readyState === EventSource.CLOSED)) {
      this.#openStream();
    }
  }

  async #openStream() {
    const device = this.#device;
    let after = device.cursor();
    if (after === null) {
      after = await this.#fallbackSnapshot(device);
    }
    if (this.#device !== device || this.#state.name !== "fallback") {
      return;
    }
    this.#closeStream();
    const query = after === null ? "" : `?after=${after}`;
    const stream = new EventSource(devicePath(device.id, `/stream${query}`));
    this.#stream = stream;
    for (const type of STREAM_EVENTS) {
      stream.addEventListener(type, (event) => this.#dispatch(JSON.parse(event.data)));
    }
    stream.addEventListener("session_ended", (event) => this.#sessionEnded(JSON.parse(event.data).message));
  }

  #sessionEnded(why) {
    this.stop();
    this.#sessionEndedListeners.forEach((listener) => listener(why));
  }

  /**
   * Without a cursor the SSE stream would start at the newest reading: a device with no reading yet is followed
   * from offset 0; otherwise the last minutes of history are shown first and the stream follows the newest of them.
   */
  async #fallbackSnapshot(device) {
    const now = Date.now();
    let readings;
    try {
      const listed = await api("GET", devicePath(device.id));
      if (listed.lastSeq === 0) {
        return 0;
      }
      const answer = await api("GET", devicePath(device.id,
        `/readings?from=${now - FALLBACK_SNAPSHOT_MS}&to=${now + FALLBACK_SNAPSHOT_MS}&limit=1000`));
      readings = answer.readings.map((reading) => ({ ...reading, type: "reading", device: device.id }));
    } catch {
      return null;
    }
    this.#dispatch({ type: "subscribed", device: device.id, readings, more: false });
    return readings.length ? readings[readings.length - 1].offset : null;
  }

  #closeStream() {
    this.#stream?.close();
    this.#stream = null;
  }

  #deviceSubscription() {
    const after = this.#device.cursor();
    return after === null ? { type: "subscribe", device: this.#device.id }
      : { type: "subscribe", device: this.#device.id, after };
  }

  /** Sends a frame now, or paced below the hub's frame limit; frames for a closed socket are renewed on connect. */
  #send(message) {
    if (!this.#isOpen()) {
      return;
    }
    this.#outbox.push(JSON.stringify(message));
    this.#flush();
  }

  #flush() {
    const socket = this.#socket;
    if (socket?.readyState !== WebSocket.OPEN) {
      return;
    }
    const now = Date.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#framesInWindow = 0;
    }
    while (this.#outbox.length && this.#framesInWindow < FRAMES_PER_WINDOW) {
      socket.send(this.#outbox.shift());
      this.#framesInWindow++;
    }
    if (this.#outbox.length && this.#pacer === null) {
      this.#pacer = setTimeout(() => {
        this.#pacer = null;
        this.#flush();
      }, 1000 - (now - this.#windowStart));
    }
  }

  #isOpen() {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  #dispatch(message) {
    this.#messageListeners.forEach((listener) => listener(message));
  }

  #setState(change) {
    this.#state = { ...this.#state, ...change };
    this.#stateListeners.forEach((listener) => listener(this.state));
  }
}
