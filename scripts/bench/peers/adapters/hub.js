'use strict';
// Transport adapter: the telemetry hub's own protocol (docs: the hub's public contract, v1), served by
// servers/hub.sh (the hub's shaded jar). Modelled on adapters/wsraw.js.
//
//   operator:  POST /api/login {"username":"admin","password":..,"issueToken":true} -> {"token"}   (once per worker)
//   device:    POST /api/devices {"deviceId"} (Bearer token) -> {"secret"};
//              POST /api/tickets {"deviceId","secret"} -> {"ticket"};
//              ws://HOST:PORT/ws/device with Authorization: Bearer <ticket>, sub-protocol hub.v1
//   device ->  {"type":"reading","seq":n,"ts":..,"metrics":{..}}       hub -> device: {"type":"ack","seq":n} (drained)
//   dash:      ws://HOST:PORT/ws/dashboard with Authorization: Bearer <token>
//   dash   ->  {"type":"subscribe","device":ID}                         hub -> {"type":"subscribed","device":ID,...}
//   hub    ->  {"type":"reading","device":ID,"namespace","offset","seq","ts","metrics"}
//   hub    ->  {"type":"alert","deviceId":ID,"status":"open","openedOffset",...} (when alert rules fire): the latency
//              of an alert's first message ('open', or 'cleared' when it came coalesced) from the opening reading's
//              ts (the load generator's send time) is kept in alertLatenciesMs, for scripts/bench-alerts.sh
//
// Mapping to the harness:
//   - Device ids are made unique per run (the hub refuses a second POST /api/devices for an id with 409), by a
//     prefix shared by all worker threads of one load-generator process; it is stripped again on delivery.
//   - The harness numbers readings from 0, the hub from 1 (seq 0 is a bad_message): the adapter sends seq+1 and
//     hands seq-1 back to the harness.
//   - Provisioning (device + secret + ticket) happens in connectDevice, right before the socket opens, so that the
//     single-use ticket (valid 60 s) is fresh; the harness calls connectDevice --connect-concurrency (20) at a time.
//   - A subscribe the hub answers with error rate_limited (a dashboard may send 20 frames/s) is sent again after a
//     second, within the connect timeout.
// Environment: BENCH_HUB_ADMIN_PASSWORD (set and exported by servers/hub.sh), or BENCH_HUB_ADMIN_PASSWORD_FILE
// (e.g. <store.dir>/admin-password of a hub started with NO_SERVER=1); BENCH_HUB_ADMIN_USER (default admin).
// The adapter's counters (acks, rejections, errors, lag events, unexpected closes) go to stderr on close.
const fs = require('fs');
const WebSocket = require('ws');

const SUBPROTOCOL = 'hub.v1';

function adminPassword() {
  if (process.env.BENCH_HUB_ADMIN_PASSWORD) return process.env.BENCH_HUB_ADMIN_PASSWORD;
  if (process.env.BENCH_HUB_ADMIN_PASSWORD_FILE) {
    return fs.readFileSync(process.env.BENCH_HUB_ADMIN_PASSWORD_FILE, 'utf8').trim();
  }
  if (process.env.HUB_ADMIN_PASSWORD) return process.env.HUB_ADMIN_PASSWORD;
  throw new Error('hub adapter: set BENCH_HUB_ADMIN_PASSWORD or BENCH_HUB_ADMIN_PASSWORD_FILE (servers/hub.sh does)');
}

// One prefix per load-generator process: worker threads share the pid and the harness's origin timestamp.
function runPrefix() {
  let origin = String(Date.now());
  try {
    const wd = require('worker_threads').workerData;
    if (wd && wd.originNs) origin = wd.originNs;
  } catch (e) { /* not in a worker */ }
  return 'b' + process.pid.toString(36) + BigInt(origin).toString(36).slice(-6) + '-';
}

function open(url, headers, timeoutMs) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [SUBPROTOCOL], { perMessageDeflate: false, handshakeTimeout: timeoutMs, headers });
    const t = setTimeout(() => { ws.terminate(); reject(new Error('ws connect timeout: ' + url)); }, timeoutMs);
    ws.once('unexpected-response', (req, res) => {
      clearTimeout(t);
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => {
        reject(new Error(`ws upgrade refused: HTTP ${res.statusCode} ${body.slice(0, 200)}`));
        req.destroy();
      });
      res.on('error', () => reject(new Error(`ws upgrade refused: HTTP ${res.statusCode}`)));
    });
    ws.once('open', () => { clearTimeout(t); resolve(ws); });
    ws.once('error', (e) => { clearTimeout(t); reject(e); });
  });
}

function create(opts) {
  const http = opts.url.replace(/^ws/, 'http').replace(/\/$/, ''); // http://127.0.0.1:PORT
  const wsBase = http.replace(/^http/, 'ws');
  const timeoutMs = opts.connectTimeoutMs || 10000;
  const prefix = runPrefix();
  const stats = {
    acks: 0, rejected: 0, deviceErrors: 0, lag: 0, truncated: 0, dashErrors: 0, retriedSubscribes: 0,
    deviceCloses: 0, dashboardCloses: 0,
  };
  const alertLatenciesMs = [];  // reading sent -> its alert on a dashboard
  const samples = [];  // first few unexpected messages, for the log
  const note = (what) => { if (samples.length < 10) samples.push(what); };
  let closing = false;
  let tokenPromise = null;

  async function api(method, path, body, token) {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    const res = await fetch(http + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { /* reported below */ }
    if (!res.ok) throw new Error(`${method} ${path} -> HTTP ${res.status} ${text.slice(0, 200)}`);
    return json;
  }

  function token() {
    if (!tokenPromise) {
      tokenPromise = api('POST', '/api/login', {
        username: process.env.BENCH_HUB_ADMIN_USER || 'admin', password: adminPassword(), issueToken: true,
      }).then((r) => {
        if (!r || !r.token) throw new Error('login answered without a token');
        return r.token;
      });
    }
    return tokenPromise;
  }

  const hubId = (deviceId) => prefix + deviceId;
  const harnessId = (id) => (id && id.startsWith(prefix) ? id.slice(prefix.length) : undefined);

  // A close the harness did not ask for is a drop: counted and logged (it shows up as loss in the results).
  function watchClose(ws, kind, id) {
    ws.on('close', (code, reason) => {
      if (closing || ws.benchClosing) return;
      if (kind === 'device') stats.deviceCloses++; else stats.dashboardCloses++;
      console.error(`[hub adapter] ${kind} ${id} closed by the hub: code ${code} ${String(reason || '')}`);
    });
    ws.on('error', (e) => { if (!closing) console.error(`[hub adapter] ${kind} ${id} socket error: ${e.message}`); });
  }

  return {
    name: 'hub',

    async connectDevice(deviceId) {
      const id = hubId(deviceId);
      const t = await token();
      const { secret } = await api('POST', '/api/devices', { deviceId: id }, t);
      const { ticket } = await api('POST', '/api/tickets', { deviceId: id, secret });
      const ws = await open(`${wsBase}/ws/device`, { authorization: 'Bearer ' + ticket }, timeoutMs);
      watchClose(ws, 'device', id);
      ws.on('message', (data) => {
        // Drain the hub's verdicts; acks are counted without a JSON parse, anything else is parsed and noted.
        const s = data.toString();
        if (s.startsWith('{"type":"ack"')) { stats.acks++; return; }
        let m;
        try { m = JSON.parse(s); } catch (e) { stats.deviceErrors++; note(s.slice(0, 200)); return; }
        if (m.type === 'ack') stats.acks++;
        else if (m.type === 'rejected') { stats.rejected++; note(s.slice(0, 200)); }
        else { stats.deviceErrors++; note(s.slice(0, 200)); }
      });
      return {
        sendReading(reading) {
          ws.send(JSON.stringify({ type: 'reading', seq: reading.seq + 1, ts: reading.ts, metrics: reading.metrics }));
        },
        close() { ws.benchClosing = true; ws.close(); },
      };
    },

    async connectDashboard(dashId) {
      const ws = await open(`${wsBase}/ws/dashboard`, { authorization: 'Bearer ' + (await token()) }, timeoutMs);
      watchClose(ws, 'dashboard', dashId);
      const pending = new Map();  // hub device id -> {resolve, reject, resend}
      const sentAt = new Map();  // hub device id -> offset -> ts of its latest readings, for alert latencies
      const alertedAt = new Map();  // 'device/offset' -> arrival of an alert whose reading has not arrived yet
      const seenAlerts = new Set();  // alert ids this dashboard has heard of
      let readingCb = null;
      ws.on('message', (data) => {
        const m = JSON.parse(data);
        if (m.type === 'reading') {
          let offsets = sentAt.get(m.device);
          if (!offsets) sentAt.set(m.device, offsets = new Map());
          offsets.set(m.offset, m.ts);
          offsets.delete(m.offset - 64);
          const early = alertedAt.get(m.device + '/' + m.offset);
          if (early) { alertedAt.delete(m.device + '/' + m.offset); alertLatenciesMs.push(early - m.ts); }
          if (readingCb) readingCb(harnessId(m.device), { seq: m.seq - 1 });
        } else if (m.type === 'alert') {
          // the first message of an alert tells the dashboard of it: 'open', or, when the alert cleared while this
          // dashboard's outbox was full, one message in its latest state ('cleared', with its openedOffset)
          if (!seenAlerts.has(m.alertId)) {
            seenAlerts.add(m.alertId);
            const ts = sentAt.get(m.deviceId)?.get(m.openedOffset);
            if (ts) alertLatenciesMs.push(Date.now() - ts);
            else alertedAt.set(m.deviceId + '/' + m.openedOffset, Date.now());  // its reading comes from the store
          }
        } else if (m.type === 'subscribed') {
          // The snapshot in `readings` holds what was stored before the subscription; the harness has sent
          // nothing yet when it joins, so it is ignored.
          const p = pending.get(m.device);
          if (p) { pending.delete(m.device); p.resolve(); }
        } else if (m.type === 'lag') {
          stats.lag++;
        } else if (m.type === 'truncated') {
          stats.truncated++; note(String(data).slice(0, 200));
        } else if (m.type === 'error') {
          stats.dashErrors++;
          if (m.error === 'rate_limited') {
            // which frame was refused is not named; resend every pending subscribe after a second
            for (const p of pending.values()) p.resend();
          } else {
            note(String(data).slice(0, 200));
            const p = m.device && pending.get(m.device);
            if (p) { pending.delete(m.device); p.reject(new Error(`subscribe ${m.device}: ${m.error} ${m.message || ''}`)); }
          }
        } // presence and rejection events are not part of the measurement
      });
      return {
        join(deviceId) {
          const id = hubId(deviceId);
          return new Promise((resolve, reject) => {
            const frame = JSON.stringify({ type: 'subscribe', device: id });
            let timer = null;
            const t = setTimeout(() => { clearTimeout(timer); pending.delete(id); reject(new Error('subscribe timeout ' + id)); }, timeoutMs);
            pending.set(id, {
              resolve: () => { clearTimeout(t); clearTimeout(timer); resolve(); },
              reject: (e) => { clearTimeout(t); clearTimeout(timer); reject(e); },
              resend: () => {
                if (timer) return;
                stats.retriedSubscribes++;
                timer = setTimeout(() => { timer = null; ws.send(frame); }, 1100);
              },
            });
            ws.send(frame);
          });
        },
        onReading(cb) { readingCb = cb; },
        close() { ws.benchClosing = true; ws.close(); },
      };
    },

    async close() {
      closing = true;
      // one write: a worker's later writes can be lost when the run ends right after its close
      console.error('[hub adapter] ' + JSON.stringify({ prefix, ...stats })
        + (alertLatenciesMs.length ? '\n[hub adapter] alert latencies ms: ' + alertLatenciesMs.join(',') : ''));
      for (const s of samples) console.error('[hub adapter] unexpected: ' + s);
    },
  };
}

module.exports = { create };
