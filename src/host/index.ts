/** Everything outside the stack reaches it through these interfaces. */
export type { Clock, TimerId } from './clock.js';
export type { MacDriver } from './mac.js';
export type { RandomSource } from './random.js';
export { SeededRandom } from './random.js';
export type { LogLevel, LogSink } from './log.js';
export { silentLog } from './log.js';
