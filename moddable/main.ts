/**
 * xstcp as a Moddable app: the board of hosts/common/board.ts (the stack with HTTP, echo,
 * discard and chargen) on the native Ethernet module — a TAP device in the Linux
 * simulator, the RMII MAC on ESP32 — with Moddable's Timer and Time as its clock.
 *
 * Settings come from mcconfig's config (manifest defaults, overridden on the command
 * line: `mcconfig -d -m -p lin tap=tap0 ip=198.18.0.2/24 trace=1`) and are checked by the
 * same parser as the `xstcp board` flags: tap, ip, gateway, mac, app, sockets, msl,
 * reuse (on|off), trace (1), memory (1); and queue, the receive slots of the Ethernet
 * module (1536 bytes each).
 *
 * Everything reaches the developer through trace(), one line each, read by xsbug or by
 * `xstcp board --engine moddable` (hosts/node/board-moddable.ts), which sorts them:
 *   {...}             a --trace line (socket state change or listener event)
 *   ready             the interface is up
 *   xstcp: ...        a message (errors, --memory figures)
 *   exit N            the board cannot run: the runner ends the simulator with code N
 */
import config from 'mc/config';
import Instrumentation from 'instrumentation';
import { boardSettings, parseArgs } from 'xstcp/hosts/common/cli-args';
import { startBoard } from 'xstcp/hosts/common/board';
import { installNativeChecksum } from 'xstcp/moddable/checksum';
import { ModdableClock } from 'xstcp/moddable/clock';
import { ModdableRandom } from 'xstcp/moddable/random';
import Ethernet from 'xstcp/ethernet';
import { EthernetMac } from 'xstcp/hosts/xs/ts/ethernet-mac';

const FLAGS: readonly (readonly [string, string])[] = [
  ['tap', '--tap'], ['ip', '--ip'], ['gateway', '--gateway'], ['mac', '--mac'], ['app', '--app'],
  ['sockets', '--sockets'], ['msl', '--msl'], ['reuse', '--reuse-time-wait'],
];

function enabled(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true' || value === 'on';
}

/** The config as `xstcp board` arguments, so one parser checks both. */
function boardArgv(settings: Record<string, unknown>): string[] {
  const argv = ['board'];
  for (const [key, flag] of FLAGS) {
    const value = settings[key];
    if (value !== undefined && value !== '') argv.push(flag, String(value));
  }
  if (enabled(settings.trace)) argv.push('--trace');
  return argv;
}

function say(line: string): void {
  trace(`${line}\n`);
}

/** XS 17's heap figures (debug builds have instrumentation). */
function memoryLine(label: string): string {
  const chunks = Instrumentation.get(Instrumentation.map('XS Chunk Heap Used')) ?? 0;
  const slots = Instrumentation.get(Instrumentation.map('XS Slot Heap Used')) ?? 0;
  return `xstcp: memory ${label}: chunks ${chunks} bytes, slots ${slots} bytes`;
}

function main(): void {
  const parsed = parseArgs(boardArgv(config));
  if (!parsed.ok || parsed.args.command !== 'board') {
    say(`xstcp: config: ${parsed.ok ? 'board settings expected' : parsed.error}`);
    say('exit 2');
    return;
  }
  const args = parsed.args;
  installNativeChecksum();
  let mac: EthernetMac;
  try {
    mac = EthernetMac.open(Ethernet, args.tap, args.mac, {
      queue: config.queue ? Number(config.queue) : undefined,
      onError: (error) => {
        say(`xstcp: TAP device ${args.tap} failed: ${error.message}`);
        say('exit 1');
      },
    });
  } catch (error) {
    say(`xstcp: cannot open TAP device ${args.tap}: ${(error as Error).message}`);
    say('exit 1');
    return;
  }
  try {
    startBoard({
      mac,
      clock: new ModdableClock(),
      random: new ModdableRandom(),
      log: (level, message) => {
        if (level !== 'debug') say(`xstcp: ${level}: ${message}`);
      },
      ...boardSettings(args),
      trace: args.trace ? say : undefined,
      title: 'xstcp on Moddable',
    });
  } catch (error) {
    say(`xstcp: ${(error as Error).message}`);
    mac.close();
    say('exit 2');
    return;
  }
  if (enabled(config.memory)) say(memoryLine('after start'));
  say('ready');
}

main();
