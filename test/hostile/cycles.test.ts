/**
 * Issue 11 item 5: exhaustion and leaks on the simulated LAN. A µTasker-style client with
 * 4 sockets runs 10,000 connect / echo / close cycles against the echo service (2 sockets,
 * so it is overloaded all the time), reusing each socket from TIME_WAIT
 * (REUSE_TIME_WAIT_SOCKETS) with a new ephemeral port every time. The boards' figures —
 * socket states, armed deadlines, send buffers, held segments, queued cookie clients, ARP
 * entries, host timers, frames waiting in MAC queues — are the same after 10,000 cycles as
 * after 200, and once TIME_WAIT and the ARP entries have expired they are back to those
 * before the first cycle.
 */
import { startEcho } from '../../src/apps/echo.js';
import { APP_ACCEPT, APP_SENT_DATA, GET_LOCAL_PORT, TCP_EVENT_ABORT, TCP_EVENT_CLOSED, TCP_EVENT_CONNECTED, TCP_EVENT_DATA, TCP_EVENT_REGENERATE, TOS_MINIMISE_DELAY } from '../../src/api/tcp.js';
import { boards, runUntil, SERVER_IP } from '../apps/sim.js';
import { figures } from './figures.js';

const CYCLES = 10_000;
const CLIENT_SOCKETS = 4;
const PING = Uint8Array.from('ping', (c) => c.charCodeAt(0));

test(`${CYCLES} connection cycles: pool, timers, ARP table and buffers end where they started`, () => {
  const { clock, client, server } = boards({ seed: 3, impairments: { delayMs: 1 }, tcp: { sockets: 8 } });
  const echo = startEcho(server.api);
  const api = client.api;
  const ports = new Set<number>();
  const buf = new Uint8Array(20 + PING.length);
  buf.set(PING, 20);
  let started = 0;
  let limit = 200;
  let closed = 0;
  let aborted = 0;
  let echoed = 0;
  const connect = (s: number): void => {
    if (started >= limit) return;
    started++;
    expect(api.fnTCP_Connect(s, SERVER_IP, 7, 0, 0)).toBe(s);
  };
  const listener = (s: number, event: number, _data: Uint8Array | null, len: number): number => {
    switch (event) {
      case TCP_EVENT_CONNECTED:
        ports.add(api.fnGetTCP_port(s, GET_LOCAL_PORT));
        api.fnSendTCP(s, buf, PING.length, 0);
        break;
      case TCP_EVENT_REGENERATE:
        // Simple TCP: the application sends the block again (a cookie's zero window held it back).
        api.fnSendTCP(s, buf, PING.length, 0);
        return APP_SENT_DATA;
      case TCP_EVENT_DATA:
        echoed += len;
        api.fnTCP_close(s);
        break;
      case TCP_EVENT_CLOSED:
        // Active close done: the socket is in TIME_WAIT and is reused at once.
        closed++;
        connect(s);
        break;
      case TCP_EVENT_ABORT:
        aborted++;
        connect(s);
        break;
    }
    return APP_ACCEPT;
  };
  const sockets = Array.from({ length: CLIENT_SOCKETS }, () => api.fnGetTCP_Socket(TOS_MINIMISE_DELAY, 60, listener));
  expect(runUntil(clock, () => false, 5000)).toBe(false); // ARP and start-up settle
  const before = { client: figures(client), server: figures(server), hostTimers: clock.pendingTimers() };

  // 200 cycles, then quiet: the figures of a board that has served.
  for (const s of sockets) connect(s);
  expect(runUntil(clock, () => closed + aborted >= limit, 600_000, 5)).toBe(true);
  expect(runUntil(clock, () => false, 100)).toBe(false);
  const at200 = { client: figures(client), server: figures(server), hostTimers: clock.pendingTimers() };
  // The rest, from the same sockets (each in TIME_WAIT, reused by fnTCP_Connect).
  limit = CYCLES;
  for (const s of sockets) connect(s);
  expect(runUntil(clock, () => closed + aborted >= CYCLES, 3_600_000, 5)).toBe(true);
  expect({ closed, aborted, echoed }).toEqual({ closed: CYCLES, aborted: 0, echoed: 4 * CYCLES });
  // Every cycle had its own client port (the ephemeral range is 16,384 ports).
  expect(ports.size).toBe(CYCLES);
  // Right after the last cycle: the same figures as after 200 cycles.
  expect(runUntil(clock, () => false, 100)).toBe(false);
  expect(echo.counters).toMatchObject({ connections: CYCLES, closed: CYCLES, aborted: 0, bytesIn: 4 * CYCLES, bytesOut: 4 * CYCLES });
  expect({ client: figures(client), server: figures(server), hostTimers: clock.pendingTimers() }).toEqual(at200);
  // After TIME_WAIT (2 × MSL) and the ARP entries' 20 minutes, everything is as before the
  // first connection, timers included.
  expect(runUntil(clock, () => false, 125_000, 50)).toBe(false);
  expect(figures(client).deadlines + figures(server).deadlines).toBe(0);
  expect(runUntil(clock, () => false, 21 * 60_000, 1000)).toBe(false);
  const after = { client: figures(client), server: figures(server), hostTimers: clock.pendingTimers() };
  // The client's sockets were taken (RESERVED) before and have connected since: now CLOSED.
  expect(after.client.states).toEqual({ FREE: 4, CLOSED: CLIENT_SOCKETS });
  expect({ ...after, client: { ...after.client, states: before.client.states } }).toEqual(before);
});
