/**
 * Command-line parsing for `xstcp`. Pure: returns the options or an error message, so the
 * CLI can print the message and exit with code 2, and tests can check every rejection.
 */
import { parseCidr, parseIpv4Address, formatIpv4 } from '../../src/net/wire/ipv4-address.js';
import { parseMac } from '../../src/net/wire/ethernet.js';
import { MAX_SCALED_WINDOW } from '../../src/net/tcp/config.js';

import { BOARD_APPS as APPS, type BoardApp as AppName, type BoardOptions } from './board.js';
import { parseImpairSpec, type MacImpairments } from './impaired-mac.js';

/** Where `xstcp board` runs the board: Node, our XS host, or Moddable's simulator. */
export const ENGINES = ['node', 'xs', 'moddable', 'qemu'] as const;
export type Engine = (typeof ENGINES)[number];

export interface BoardArgs {
  command: 'board';
  tap: string;
  address: number;
  prefixLength: number;
  netmask: number;
  gateway?: number;
  mac: Uint8Array;
  apps: AppName[];
  sockets?: number;
  mslSeconds?: number;
  reuseTimeWait?: boolean;
  trace: boolean;
  pcap?: string;
  engine: Engine;
  xsbug?: string;
  memory: boolean;
  /** --impair: seeded loss, duplication and reordering of the board's frames, both directions (node and xs engines). */
  impair?: { seed: number; link: MacImpairments };
  /** --retries: TCP_DEF_RETRIES (with --impair at high loss rates). */
  retries?: number;
  /** --window: receive window of echo, discard and chargen in bytes; above 65 535 it is announced with window scaling. */
  receiveWindow?: number;
}

/** The board's settings that `xstcp board` flags give, as startBoard takes them (every engine). */
export function boardSettings(args: BoardArgs): Pick<BoardOptions, 'address' | 'netmask' | 'gateway' | 'apps' | 'sockets' | 'mslSeconds' | 'reuseTimeWait' | 'receiveWindow'> {
  const { address, netmask, gateway, apps, sockets, mslSeconds, reuseTimeWait, receiveWindow } = args;
  return { address, netmask, gateway, apps, sockets, mslSeconds, reuseTimeWait, receiveWindow };
}

export interface DemoArgs {
  command: 'demo';
  /** Force the simulated LAN even where a TAP device could be used. */
  sim: boolean;
  /** Serve after the demo until interrupted (default); --once ends after the demo. */
  once: boolean;
  pcap?: string;
}

export interface HelpArgs {
  command: 'help';
}

export type CliArgs = BoardArgs | DemoArgs | HelpArgs;
export type ParseResult = { ok: true; args: CliArgs } | { ok: false; error: string };

export const USAGE = `usage:
  xstcp board --tap NAME --ip A.B.C.D/N [--gateway A.B.C.D] [--mac 02:00:00:00:00:02]
              [--app http,echo,discard,chargen,ecma419-echo] [--sockets N] [--msl SECONDS]
              [--reuse-time-wait on|off] [--trace] [--pcap FILE] [--engine node|xs|moddable|qemu]
              [--xsbug HOST[:PORT]] [--memory] [--retries N] [--window BYTES]
              [--impair loss=P,duplicate=P,reorder=P,delay=MS,seed=N]
  xstcp demo [--sim] [--once] [--pcap FILE]
  xstcp help`;

const fail = (error: string): ParseResult => ({ ok: false, error });

/** Splits `--flag value` and `--flag=value`; flags listed in `booleans` take no value. */
function readFlags(argv: string[], known: Set<string>, booleans: Set<string>): { flags: Map<string, string>; error?: string } {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) return { flags, error: `unexpected argument '${arg}'` };
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (!known.has(name)) return { flags, error: `unknown option --${name}` };
    if (flags.has(name)) return { flags, error: `--${name} given twice` };
    if (booleans.has(name)) {
      if (eq >= 0) return { flags, error: `--${name} takes no value` };
      flags.set(name, '');
    } else if (eq >= 0) {
      flags.set(name, arg.slice(eq + 1));
    } else {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) return { flags, error: `--${name} needs a value` };
      flags.set(name, argv[++i]);
    }
  }
  return { flags };
}

function parseIntArg(name: string, value: string, min: number, max: number): number | string {
  if (!/^\d+$/.test(value)) return `--${name} must be a whole number, got '${value}'`;
  const n = Number(value);
  if (n < min || n > max) return `--${name} must be between ${min} and ${max}, got ${n}`;
  return n;
}

function parseBoard(argv: string[]): ParseResult {
  const known = new Set(['tap', 'ip', 'gateway', 'mac', 'app', 'sockets', 'msl', 'reuse-time-wait', 'trace', 'pcap', 'engine', 'xsbug', 'memory', 'impair', 'retries', 'window']);
  const { flags, error } = readFlags(argv, known, new Set(['trace', 'memory']));
  if (error) return fail(error);
  const tap = flags.get('tap');
  if (!tap) return fail('--tap NAME is required');
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(tap)) return fail(`--tap: '${tap}' is not a valid interface name (1-15 of A-Z a-z 0-9 _ . -)`);
  const ipArg = flags.get('ip');
  if (!ipArg) return fail('--ip A.B.C.D/N is required');
  const cidr = parseCidr(ipArg);
  if (!cidr || cidr.prefixLength < 1 || cidr.prefixLength > 30) return fail(`--ip: '${ipArg}' is not an address with a prefix length 1-30, e.g. 198.18.0.2/24`);
  const args: BoardArgs = {
    command: 'board',
    tap,
    address: cidr.address,
    prefixLength: cidr.prefixLength,
    netmask: cidr.netmask,
    mac: parseMac('02:00:00:00:00:02')!,
    apps: ['http'],
    trace: flags.has('trace'),
    engine: 'node',
    memory: flags.has('memory'),
  };
  const gw = flags.get('gateway');
  if (gw !== undefined) {
    const g = parseIpv4Address(gw);
    if (g === undefined) return fail(`--gateway: '${gw}' is not an IPv4 address`);
    if (((g ^ cidr.address) & cidr.netmask) !== 0) return fail(`--gateway ${gw} is not in ${formatIpv4(cidr.address & cidr.netmask)}/${cidr.prefixLength}`);
    args.gateway = g;
  }
  const macArg = flags.get('mac');
  if (macArg !== undefined) {
    const m = parseMac(macArg);
    if (!m || (m[0] & 1) !== 0) return fail(`--mac: '${macArg}' is not a unicast MAC address like 02:00:00:00:00:02`);
    args.mac = m;
  }
  const appArg = flags.get('app');
  if (appArg !== undefined) {
    const names = appArg.split(',').map((s) => s.trim());
    for (const n of names) if (!(APPS as readonly string[]).includes(n)) return fail(`--app: unknown app '${n}' (choose from ${APPS.join(', ')})`);
    args.apps = [...new Set(names)] as AppName[];
  }
  const sockets = flags.get('sockets');
  if (sockets !== undefined) {
    const n = parseIntArg('sockets', sockets, 1, 63);
    if (typeof n === 'string') return fail(n);
    args.sockets = n;
  }
  const msl = flags.get('msl');
  if (msl !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(msl) || Number(msl) <= 0 || Number(msl) > 3600) return fail(`--msl must be a number of seconds in (0, 3600], got '${msl}'`);
    args.mslSeconds = Number(msl);
  }
  const reuse = flags.get('reuse-time-wait');
  if (reuse !== undefined) {
    if (reuse !== 'on' && reuse !== 'off') return fail(`--reuse-time-wait must be on or off, got '${reuse}'`);
    args.reuseTimeWait = reuse === 'on';
  }
  const pcap = flags.get('pcap');
  if (pcap !== undefined) {
    if (pcap === '') return fail('--pcap needs a file name');
    args.pcap = pcap;
  }
  const engine = flags.get('engine');
  if (engine !== undefined) {
    if (!(ENGINES as readonly string[]).includes(engine)) return fail(`--engine must be ${ENGINES.join(', ')}, got '${engine}'`);
    args.engine = engine as Engine;
  }
  const xsbug = flags.get('xsbug');
  if (xsbug !== undefined) {
    if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(xsbug)) return fail(`--xsbug must be HOST or HOST:PORT, got '${xsbug}'`);
    args.xsbug = xsbug.includes(':') ? xsbug : `${xsbug}:5002`;
  }
  const impair = flags.get('impair');
  if (impair !== undefined) {
    const parsed = parseImpairSpec(impair);
    if (typeof parsed === 'string') return fail(`--impair: ${parsed}`);
    if (args.engine !== 'node' && args.engine !== 'xs') return fail('--impair works with --engine node or xs only');
    args.impair = parsed;
  }
  const retries = flags.get('retries');
  if (retries !== undefined) {
    const n = parseIntArg('retries', retries, 1, 255);
    if (typeof n === 'string') return fail(n);
    args.retries = n;
  }
  const window = flags.get('window');
  if (window !== undefined) {
    const n = parseIntArg('window', window, 1, MAX_SCALED_WINDOW);
    if (typeof n === 'string') return fail(n);
    args.receiveWindow = n;
  }
  return { ok: true, args };
}

function parseDemo(argv: string[]): ParseResult {
  const { flags, error } = readFlags(argv, new Set(['sim', 'once', 'pcap']), new Set(['sim', 'once']));
  if (error) return fail(error);
  const pcap = flags.get('pcap');
  if (pcap === '') return fail('--pcap needs a file name');
  return { ok: true, args: { command: 'demo', sim: flags.has('sim'), once: flags.has('once'), pcap } };
}

export function parseArgs(argv: string[]): ParseResult {
  const [command, ...rest] = argv;
  switch (command) {
    case 'board':
      return parseBoard(rest);
    case 'demo':
      return parseDemo(rest);
    case 'help':
    case '--help':
    case '-h':
      return { ok: true, args: { command: 'help' } };
    case undefined:
      return fail('a command is required');
    default:
      return fail(`unknown command '${command}'`);
  }
}
