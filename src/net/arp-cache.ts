/**
 * The ARP table with µTasker's sizes and timings (docs/deviations.md, interface layer). Pure bookkeeping: time comes
 * in as `now` (ms); the caller sends the requests and delivers the results this returns.
 */
import { macEquals } from './wire/ethernet.js';

/** What `learn` returns when nobody was waiting (the receive path builds no array per frame). */
const NOBODY: ArpOwner[] = [];

/** Who asked for a resolution and must hear its result (µTasker: owner task and socket). */
export interface ArpOwner {
  task: string;
  socket: number;
}

export interface ArpConfig {
  /** ARP_TABLE_ENTRIES (8 in µTasker, whose entry 0 is the fixed broadcast entry: 7 are usable). */
  tableEntries: number;
  /** T_ARP_PERIOD: how often µTasker ages the table (60 s). */
  periodMs: number;
  /** ARP_TIMEOUT: lifetime of an ordinary entry, in periods (20 → 20 min). */
  lifetimePeriods: number;
  /** Lifetime of the gateway's entry in periods (5), after which it is re-resolved. */
  gatewayLifetimePeriods: number;
  /** T_ARP_PENDING_PERIOD: spacing of repeated requests (0.5 s). */
  retryIntervalMs: number;
  /** ARP_MAXRETRY: requests repeated after the first one before giving up (4). */
  maxRetries: number;
}

export const ARP_DEFAULTS: ArpConfig = {
  tableEntries: 8,
  periodMs: 60_000,
  lifetimePeriods: 20,
  gatewayLifetimePeriods: 5,
  retryIntervalMs: 500,
  maxRetries: 4,
};

export type ArpEntryState = 'resolving' | 'resolved';
/**
 * For comparisons on the per-frame path: our XS host (XS 13.3 running from source) makes a
 * new string each time a string literal is evaluated; a constant is made once.
 */
const RESOLVED: ArpEntryState = 'resolved';

export interface ArpEntry {
  ip: number;
  mac: Uint8Array | undefined;
  state: ArpEntryState;
  /** The gateway's entry: refreshed instead of forgotten when it ages out. */
  gateway: boolean;
  /** When a resolved entry ages out, or when the next request of a resolving one is due. */
  deadline: number;
  retriesLeft: number;
  owners: ArpOwner[];
}

export interface ArpTickResult {
  /** Addresses to send an ARP request for now. */
  requests: number[];
  /** Resolutions that ran out of retries: tell their owners. */
  failed: { ip: number; owners: ArpOwner[] }[];
}

export type ResolveStart = 'request' | 'pending' | 'table-full';

export class ArpCache {
  private readonly entries: ArpEntry[] = [];
  private readonly capacity: number;

  constructor(
    private readonly config: ArpConfig = ARP_DEFAULTS,
    private gatewayIp: number | undefined = undefined,
  ) {
    // µTasker's entry 0 is a permanent broadcast entry; broadcasts are handled without the table here.
    this.capacity = Math.max(1, config.tableEntries - 1);
  }

  setGateway(ip: number | undefined): void {
    this.gatewayIp = ip;
  }

  /** The resolved MAC for `ip`, if any. */
  lookup(ip: number): Uint8Array | undefined {
    const e = this.find(ip);
    return e?.mac;
  }

  find(ip: number): ArpEntry | undefined {
    // Indexed: for-of would make an iterator object per lookup (every sent segment).
    // The length read once: on XS an array's length is an accessor call.
    const entries = this.entries;
    for (let i = 0, n = entries.length; i < n; i++) if (entries[i].ip === ip) return entries[i];
    return undefined;
  }

  /**
   * The per-frame refresh: when `ip` is resolved to the 6 bytes of `frame` at `macOffset`,
   * moves its ageing deadline and returns true, allocating nothing. Otherwise returns false
   * and the caller learns the address with `learn`.
   */
  refresh(ip: number, frame: Uint8Array, macOffset: number, now: number): boolean {
    const e = this.find(ip);
    if (e === undefined || e.state !== RESOLVED || e.mac === undefined) return false;
    const mac = e.mac;
    // Written out, and lifetimeOf inlined: this runs for every received frame.
    if (mac[0] !== frame[macOffset] || mac[1] !== frame[macOffset + 1] || mac[2] !== frame[macOffset + 2]
      || mac[3] !== frame[macOffset + 3] || mac[4] !== frame[macOffset + 4] || mac[5] !== frame[macOffset + 5]) return false;
    const config = this.config;
    e.deadline = now + (e.gateway ? config.gatewayLifetimePeriods : config.lifetimePeriods) * config.periodMs;
    return true;
  }

  list(): readonly ArpEntry[] {
    return this.entries;
  }

  /**
   * Records that `ip` is at `mac` (from an ARP packet or a received IPv4 frame). Adds an
   * entry only when `create` is set (µTasker learns senders in our subnet; foreign ARP
   * chatter is ignored). Without `move` (an IPv4 frame, whose source address anyone on
   * the link can forge) a resolved entry is only refreshed when the MAC is the one it
   * has; only ARP moves an address to another MAC. Returns the owners waiting for this
   * address, now resolved.
   */
  learn(ip: number, mac: Uint8Array, now: number, create: boolean, move = true): ArpOwner[] {
    let e = this.find(ip);
    if (!e) {
      if (!create) return [];
      e = this.allocate(ip, now);
      if (!e) return [];
    } else if (e.state === 'resolved' && e.mac !== undefined && !move) {
      if (macEquals(e.mac, mac)) e.deadline = now + this.lifetimeOf(e) * this.config.periodMs;
      return NOBODY;
    }
    const waiting = e.owners;
    e.mac = mac.slice(0, 6);
    e.state = 'resolved';
    e.owners = [];
    e.retriesLeft = 0;
    e.deadline = now + this.lifetimeOf(e) * this.config.periodMs;
    return waiting;
  }

  /** Starts (or joins) the resolution of `ip` for `owner`. 'request' means: send the first request now. */
  startResolution(ip: number, owner: ArpOwner | undefined, now: number): ResolveStart {
    let e = this.find(ip);
    if (e && e.state === 'resolving') {
      if (owner) this.addOwner(e, owner);
      return 'pending';
    }
    if (!e) e = this.allocate(ip, now);
    if (!e) return 'table-full';
    e.state = 'resolving';
    e.mac = undefined;
    e.retriesLeft = this.config.maxRetries;
    e.deadline = now + this.config.retryIntervalMs;
    e.owners = [];
    if (owner) this.addOwner(e, owner);
    return 'request';
  }

  /** Advances the table to `now`: retries, failures, ageing. */
  tick(now: number): ArpTickResult {
    const result: ArpTickResult = { requests: [], failed: [] };
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e.deadline > now) continue;
      if (e.state === 'resolving') {
        if (e.retriesLeft > 0) {
          e.retriesLeft--;
          e.deadline = now + this.config.retryIntervalMs;
          result.requests.push(e.ip);
        } else {
          this.entries.splice(i, 1);
          result.failed.push({ ip: e.ip, owners: e.owners });
        }
      } else if (e.gateway) {
        // The gateway stays usable while it is refreshed; a failed refresh forgets it.
        e.state = 'resolving';
        e.retriesLeft = this.config.maxRetries;
        e.deadline = now + this.config.retryIntervalMs;
        result.requests.push(e.ip);
      } else {
        this.entries.splice(i, 1);
      }
    }
    return result;
  }

  /** When `tick` next has something to do. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const e of this.entries) if (next === undefined || e.deadline < next) next = e.deadline;
    return next;
  }

  flush(): void {
    this.entries.length = 0;
  }

  private lifetimeOf(e: ArpEntry): number {
    return e.gateway ? this.config.gatewayLifetimePeriods : this.config.lifetimePeriods;
  }

  private addOwner(e: ArpEntry, owner: ArpOwner): void {
    if (!e.owners.some((o) => o.task === owner.task && o.socket === owner.socket)) e.owners.push(owner);
  }

  /** A fresh entry, replacing the resolved non-gateway entry closest to expiry when full. */
  private allocate(ip: number, now: number): ArpEntry | undefined {
    if (this.entries.length >= this.capacity) {
      let victim = -1;
      for (let i = 0; i < this.entries.length; i++) {
        const e = this.entries[i];
        if (e.state !== 'resolved' || e.gateway) continue;
        if (victim < 0 || e.deadline < this.entries[victim].deadline) victim = i;
      }
      if (victim < 0) return undefined;
      this.entries.splice(victim, 1);
    }
    const entry: ArpEntry = {
      ip,
      mac: undefined,
      state: 'resolving',
      gateway: ip === this.gatewayIp,
      deadline: now,
      retriesLeft: 0,
      owners: [],
    };
    this.entries.push(entry);
    return entry;
  }
}
