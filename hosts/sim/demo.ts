/**
 * The simulated-LAN demo: two boards on a virtual LAN with seeded impairments, traffic
 * between them, and what a person wants to see of it. Engine-neutral (it also runs on
 * XS); output goes through `print`, the capture into a PcapBuffer.
 */
import { SeededRandom } from '../../src/host/random.js';
import { Stack } from '../../src/stack.js';
import { formatCounters } from '../../src/net/counters.js';
import { formatIpv4, parseIpv4Address } from '../../src/net/wire/ipv4-address.js';
import { parseMac } from '../../src/net/wire/ethernet.js';
import { PcapBuffer } from '../common/pcap.js';
import { SimLan } from './lan.js';
import { VirtualClock } from './virtual-clock.js';
import type { Impairments } from './impairments.js';
import { runScenario } from './scenario.js';

export interface SimDemoOptions {
  seed?: number;
  impairments?: Impairments;
  print: (line: string) => void;
}

export interface SimDemoResult {
  pcap: Uint8Array;
  pingsSent: number;
  pingReplies: number;
  scenarioOk: boolean;
}

const addr = (s: string) => parseIpv4Address(s)!;

export function runSimDemo(o: SimDemoOptions): SimDemoResult {
  const seed = o.seed ?? 1;
  const impairments = o.impairments ?? { loss: 0.05, delayMs: 1, jitterMs: 1 };
  const clock = new VirtualClock(0);
  const lan = new SimLan({ clock, seed });
  const pcap = new PcapBuffer();
  lan.observe((e) => {
    if (e.kind === 'delivered') pcap.add(e.timeMs, e.frame);
  });
  const board = (n: number) =>
    new Stack({
      mac: lan.attach({ macAddress: parseMac(`02:00:00:00:00:0${n}`)!, name: `board${n}`, egress: impairments }),
      clock,
      random: new SeededRandom(seed * 31 + n),
      address: addr(`198.18.0.${n}`),
      netmask: addr('255.255.255.0'),
    });
  const client = board(1);
  const server = board(2);
  client.start();
  server.start();

  o.print(`simulated LAN, seed ${seed}: client ${formatIpv4(client.net.localAddress())}, board ${formatIpv4(server.net.localAddress())}, ` +
    `loss ${(impairments.loss ?? 0) * 100}% per link`);
  let replies = 0;
  client.net.onEchoReply((r) => {
    replies++;
    o.print(`  ${r.at.toFixed(0).padStart(6)} ms  reply from ${formatIpv4(r.from)}: icmp_seq=${r.sequence}`);
  });
  const pings = 10;
  for (let seq = 0; seq < pings; seq++) {
    client.net.ping(server.net.localAddress(), 1, seq, new Uint8Array(32).fill(seq));
    clock.advance(1000);
  }
  o.print(`${pings} pings, ${replies} replies (the first waits for ARP)`);
  o.print('board counters:');
  o.print(formatCounters(server.counters.snapshot()));
  client.stop();
  server.stop();

  o.print('');
  o.print(`TCP between two boards (HTTP, echo, discard, chargen), same LAN settings, seed ${seed}:`);
  const scenario = runScenario({ seed, impairments });
  for (const step of scenario.steps) {
    o.print(`  ${step.ok ? 'ok  ' : 'FAIL'} ${step.name.padEnd(22)} ${String(step.bytes).padStart(7)} bytes in ${step.ms} ms of virtual time${step.detail ? ` (${step.detail})` : ''}`);
  }
  const closing = scenario.trace.filter((l) => l.startsWith('server ')).slice(0, 40).filter((l) => /FIN_WAIT|CLOSING|TIME_WAIT|TCP_EVENT_CLOSED|TCP_EVENT_ACK/.test(l)).slice(0, 6);
  o.print('the server\'s first close, from its trace:');
  for (const line of closing) o.print(`  ${line.slice('server '.length)}`);
  return { pcap: scenario.pcap, pingsSent: pings, pingReplies: replies, scenarioOk: scenario.steps.every((st) => st.ok) };
}
