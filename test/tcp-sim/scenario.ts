/**
 * One two-board TCP run on the simulated LAN: a client and a server application
 * (endpoint.ts) exchange their data through seeded impairments, close as planned, and the
 * run continues in virtual time until both sockets are closed and 2×MSL has passed (or
 * a bound is hit). The outcome holds everything the properties check.
 */
import { SimLan } from '../../hosts/sim/lan.js';
import { VirtualClock } from '../../hosts/sim/virtual-clock.js';
import type { Impairments } from '../../hosts/sim/impairments.js';
import type { MacDriver } from '../../src/host/mac.js';
import { SeededRandom } from '../../src/host/random.js';
import { Stack } from '../../src/stack.js';
import type { TcpConfig } from '../../src/net/tcp/config.js';
import type { TcpSocket } from '../../src/net/tcp/socket.js';
import type { TcpCore } from '../../src/net/tcp/core.js';
import { TcpState, tcpStateName } from '../../src/net/tcp/types.js';
import { ip, mac } from '../net/helpers.js';
import { Endpoint, type EndpointPlan } from './endpoint.js';
import { EventChecker } from './event-checker.js';
import { describeFrame } from './trace.js';
import { tcpEventName } from '../../src/api/tcp.js';

export const SERVER_PORT = 5001;
const SERVER_IP = new Uint8Array([198, 18, 0, 2]);
/** Short MSL so that TIME_WAIT (2×MSL) is over quickly. */
export const MSL_MS = 2000;

export interface Scenario {
  seed: number;
  /** Impairments of each direction (the sender's egress). */
  clientLink: Impairments;
  serverLink: Impairments;
  client: EndpointPlan;
  server: EndpointPlan;
  /** Both sides call fnTCP_close in the same instant once both have written everything. */
  closeTogether: boolean;
  /** The server listens again from TCP_EVENT_CLOSED / TCP_EVENT_ABORT (as µTasker servers do). */
  serverRelistens: boolean;
  tcp?: Partial<TcpConfig>;
  /** Wraps each board's MAC (board 1 = client, 2 = server), e.g. in an ImpairedMac. */
  wrapMac?: (mac: MacDriver, board: number, clock: VirtualClock) => MacDriver;
}

/** Receives trace lines (frames, state changes, events) when given to runScenario. */
export type TraceSink = (line: string) => void;

export interface SideOutcome {
  name: string;
  endpoint: Endpoint;
  finalState: string;
  /** Idle timer expiries on this board (the stack closed by itself). */
  idleTimeouts: number;
  violations: string[];
  /** Leftovers after the run, each a message. */
  leftovers: string[];
  /**
   * Still connected with nothing to send and no idle timeout: after the partner aborted and
   * its RST was lost, nothing will ever end this connection (µTasker has no keep-alive).
   */
  halfOpen: boolean;
}

export interface Outcome {
  client: SideOutcome;
  server: SideOutcome;
  serverRelistens: boolean;
  /** Virtual time the run took, ms. */
  elapsedMs: number;
  /** The run reached its end condition (false: bound hit with a socket still open). */
  settled: boolean;
  /** Frames dropped by the LAN for any reason (loss, queue), or corrupted. */
  lossy: boolean;
  clockTimers: number;
  framesInFlight: number;
  /** Clock timers accounted for: frames in flight plus one per board whose ARP task still times its cache. */
  explainedTimers: number;
}

/** Virtual-time bound of one run: simple TCP (one block per round trip) at 30% loss with RFC 6298 back-off (up to 60 s) is slow. */
const RUN_LIMIT_MS = 4 * 60 * 60 * 1000;
const STEP_MS = 50;

function board(lan: SimLan, clock: VirtualClock, sc: Scenario, n: number, link: Impairments, tcp: Partial<TcpConfig>): Stack {
  const seed = sc.seed;
  const port = lan.attach({ macAddress: mac(`02:00:00:00:00:0${n}`), name: n === 1 ? 'client' : 'server', egress: link });
  return new Stack({
    mac: sc.wrapMac === undefined ? port : sc.wrapMac(port, n, clock),
    clock,
    random: new SeededRandom((seed * 7919 + n) >>> 0),
    address: ip(`198.18.0.${n}`),
    netmask: ip('255.255.255.0'),
    tcp,
  });
}

/** The stack's internals, read (never written) to check that nothing is left behind. */
function coreOf(stack: Stack): TcpCore {
  return (stack.tcp as unknown as { core: TcpCore }).core;
}

function leftovers(stack: Stack): string[] {
  const out: string[] = [];
  const core = coreOf(stack);
  if (stack.tcp.nextDeadline() !== undefined) out.push(`tcp deadline pending at ${stack.tcp.nextDeadline()}`);
  if (stack.scheduler.remainingTime('T') > 0) out.push('TCP task timer still running');
  core.sockets.forEach((s: TcpSocket) => {
    if (s.tx !== undefined && s.tx.buffer.length > 0) out.push(`socket ${s.index}: ${s.tx.buffer.length} buffered bytes retained`);
    if (s.reassembly !== undefined && s.reassembly.bytes > 0) out.push(`socket ${s.index}: ${s.reassembly.bytes} out-of-order bytes retained`);
    if (s.closePending) out.push(`socket ${s.index}: close still pending`);
  });
  if (core.out.pendingReset !== undefined) out.push('a RST waits for ARP');
  return out;
}

/** Connected, nothing to send, no timer, no idle timeout: only the partner could end it. */
function halfOpen(e: Endpoint, st: Stack): boolean {
  return e.connected && st.tcp.unacknowledged(e.socket) === 0 && st.tcp.nextDeadline() === undefined && e.plan.idleTimeoutS === 0xffff;
}

const FINAL = new Set<number>([TcpState.Closed, TcpState.Free, TcpState.Listen, TcpState.Reserved]);

export function runScenario(sc: Scenario, trace?: TraceSink): Outcome {
  const clock = new VirtualClock(0);
  const lan = new SimLan({ clock, seed: sc.seed });
  const tcp: Partial<TcpConfig> = { mslMs: MSL_MS, finWait2TimeoutMs: MSL_MS, ...sc.tcp };
  const clientStack = board(lan, clock, sc, 1, sc.clientLink, tcp);
  const serverStack = board(lan, clock, sc, 2, sc.serverLink, tcp);
  const checkers = [clientStack, serverStack].map((st, i) => {
    const c = new EventChecker(i === 0 ? 'client' : 'server', (socket) => st.tcp.socketTable().find((r) => r.socket === socket)?.bytesOut ?? 0);
    const who = i === 0 ? 'client' : 'server';
    st.tcp.setObserver({
      stateChanged: (s, f, t) => {
        trace?.(`${clock.now().toFixed(1)} ${who} socket ${s}: ${tcpStateName(f)} → ${tcpStateName(t)}`);
        c.stateChanged(s, f, t);
      },
      event: (s, e, st2) => {
        trace?.(`${clock.now().toFixed(1)} ${who} socket ${s}: ${tcpEventName(e)} in ${tcpStateName(st2)}`);
        c.event(s, e, st2);
      },
    });
    return c;
  });
  if (trace !== undefined) {
    lan.observe((e) => {
      if (e.kind === 'delivered' && process.env.XSTCP_TRACE_DELIVERED === undefined) return;
      const line = describeFrame(e);
      if (line !== undefined) trace(line);
    });
  }
  clientStack.start();
  serverStack.start();

  const client = new Endpoint('client', 0, clientStack, sc.client, sc.server.total, false);
  const server = new Endpoint('server', 1, serverStack, sc.server, sc.client.total, sc.serverRelistens);
  const ss = server.open();
  serverStack.api.fnTCP_Listen(ss, SERVER_PORT, sc.server.rxWindow);
  const cs = client.open();
  const r = clientStack.api.fnTCP_Connect(cs, SERVER_IP, SERVER_PORT, 0, sc.client.rxWindow);
  if (r < 0) client.apiErrors.push(`fnTCP_Connect → ${r}`);

  const ended = (e: Endpoint): boolean => e.closedCount + e.abortCount > 0;
  const state = (st: Stack, s: number): number => st.api.fnGetTCP_state(s);
  const over = (e: Endpoint, st: Stack, other: Endpoint): boolean => {
    if (halfOpen(e, st) && other.abortCount > 0) return true;
    if (e.connectedCount > e.closedCount + e.abortCount) return false;
    return FINAL.has(state(st, e.socket));
  };
  // Both connections are over (the client's always had to start; the server may never have seen it).
  const quiet = (): boolean => (ended(client) || halfOpen(client, clientStack)) && over(client, clientStack, server) && over(server, serverStack, client);

  let settledAt: number | undefined;
  let together = false;
  const end = RUN_LIMIT_MS;
  while (clock.now() < end) {
    client.poll();
    server.poll();
    if (sc.closeTogether && !together && client.connected && server.connected
      && client.committed >= sc.client.total && server.committed >= sc.server.total) {
      together = true;
      if (!client.closeCalled) client.close();
      if (!server.closeCalled) server.close();
    }
    if (settledAt === undefined && quiet()) settledAt = clock.now();
    // Settled: both closed, then 2×MSL plus a margin for stray frames and timers.
    if (settledAt !== undefined && clock.now() >= settledAt + 2 * MSL_MS + 2000 && lan.framesInFlight() === 0) break;
    if (settledAt !== undefined && !quiet()) settledAt = undefined;
    const next = clock.nextTimerAt();
    clock.advanceTo(next === undefined ? clock.now() + STEP_MS : Math.min(next, clock.now() + STEP_MS));
  }

  // A wrapped MAC may lose frames the LAN never sees.
  const lossy = sc.wrapMac !== undefined || lan.stats.some((p) => p.dropped.loss + p.dropped['queue-full'] + p.dropped['rx-queue-full'] + p.corrupted > 0);
  const side = (name: string, e: Endpoint, st: Stack, i: number): SideOutcome => ({
    name,
    endpoint: e,
    finalState: tcpStateName(state(st, e.socket)),
    idleTimeouts: st.counters.get('tcp.idle-timeouts'),
    violations: checkers[i].violations,
    leftovers: leftovers(st),
    halfOpen: halfOpen(e, st),
  });
  return {
    client: side('client', client, clientStack, 0),
    server: side('server', server, serverStack, 1),
    serverRelistens: sc.serverRelistens,
    elapsedMs: clock.now(),
    settled: settledAt !== undefined,
    lossy,
    clockTimers: clock.pendingTimers(),
    framesInFlight: lan.framesInFlight(),
    explainedTimers: lan.framesInFlight() + [clientStack, serverStack].filter((st) => st.scheduler.remainingTime('A') > 0).length,
  };
}
