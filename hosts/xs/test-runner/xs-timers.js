/*
 * setTimeout / clearTimeout for test code on the XS host, which has neither (fast-check
 * takes them when its module is evaluated). Built on the host's Moddable-style "timer"
 * module; imported first by the fast-check mapping that run.mjs writes. Node has its own.
 */
import Timer from 'timer';

if (typeof globalThis.setTimeout !== 'function') {
  globalThis.setTimeout = (callback, ms = 0, ...args) => Timer.set(() => callback(...args), Math.max(0, Number(ms) || 0));
  globalThis.clearTimeout = (timer) => Timer.clear(timer);
}
