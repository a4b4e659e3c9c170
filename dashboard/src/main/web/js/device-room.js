// A device room as the page holds it: readings in offset order, each offset at most once. A reading whose offset
// is not above the last one seen (a resend after a reconnect, a snapshot overlapping live readings) is dropped.

const KEPT = 5000;

export class DeviceRoom {
  readings = [];
  lastOffset = null;

  /** Adds a reading unless its offset was seen already; true when it was added. */
  accept(reading) {
    if (this.lastOffset !== null && reading.offset <= this.lastOffset) {
      return false;
    }
    this.readings.push(reading);
    this.lastOffset = reading.offset;
    if (this.readings.length > KEPT) {
      this.readings.splice(0, this.readings.length - KEPT);
    }
    return true;
  }

  latest(count) {
    return this.readings.slice(-count).reverse();
  }
}
