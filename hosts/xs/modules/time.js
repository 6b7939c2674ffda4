/*
 * The "time" module of the xstcp XS host (Moddable's Time.ticks and Time.delta): a
 * monotonic millisecond counter. On a PC it does not wrap.
 */
const host = globalThis.xsHost;

export default class Time {
  static get ticks() {
    return Math.floor(host.now());
  }

  static delta(start, end) {
    return (end === undefined ? Math.floor(host.now()) : end) - start;
  }
}
