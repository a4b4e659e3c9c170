// How the fleet's columns sort: by id, by presence (online, stale, offline), by time or by count. Unknown values
// ("–": never seen, no rate yet) go last whichever the direction, and ties fall back to the device id.

const PRESENCE_RANK = { online: 0, stale: 1, offline: 2 };
const ids = new Intl.Collator(undefined, { numeric: true });

function value(device, key) {
  if (key === "presence") {
    return PRESENCE_RANK[device.presence] ?? 3;
  }
  const raw = device[key];
  return raw === null || raw === undefined ? null : raw;
}

/** The direction a column sorts in when first chosen: names A to Z, figures largest (and times latest) first. */
export function defaultDirection(key) {
  return key === "deviceId" || key === "presence" ? "ascending" : "descending";
}

/** A comparator of devices for { key, direction }, with aria-sort's direction names. */
export function compareDevices({ key, direction }) {
  const sign = direction === "ascending" ? 1 : -1;
  if (key === "deviceId") {
    return (a, b) => sign * ids.compare(a.deviceId, b.deviceId);
  }
  return (a, b) => {
    const x = value(a, key);
    const y = value(b, key);
    if (x === null || y === null) {
      return x === y ? ids.compare(a.deviceId, b.deviceId) : x === null ? 1 : -1;
    }
    return sign * (x - y) || ids.compare(a.deviceId, b.deviceId);
  };
}
