/** The simulated host: a virtual clock and an in-memory Ethernet LAN with seeded impairments. */
export { VirtualClock } from './virtual-clock.js';
export { SimLan, SimMac, DEFAULT_RX_QUEUE_LIMIT } from './lan.js';
export type { SimLanOptions, SimPortOptions, SimPortStats, SimFrameEvent, SimLanObserver } from './lan.js';
export { DEFAULT_QUEUE_LIMIT, checkImpairments } from './impairments.js';
export type { Impairments, DropReason } from './impairments.js';
