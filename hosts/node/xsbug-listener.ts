/**
 * Enough of the xsbug protocol to run a Moddable app without the xsbug GUI: XS machines
 * (debug builds) connect to xsbug's port as clients and wait after their login for a
 * command. The listener asks to break on exceptions and answers `<go/>`, hands every
 * `<log>` (the app's trace(), and the engine's exception/error reports) to `onLog`, keeps
 * the instrumentation `<samples>` (the simulator sends them once a second) with the names
 * of `<instruments>`, and when a machine stops at a `<break>` (an exception, `debugger`)
 * reports it with the call stack of its `<frames>` and answers `<go/>` again.
 *
 * Messages from a machine are `<xsbug>...</xsbug>` envelopes; text inside is XML-escaped.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface XsbugLog {
  /** The text the machine logged (unescaped; trace() lines end with their own "\n"). */
  text: string;
  /** Where an exception, error or warning happened, when the machine said. */
  path?: string;
  line?: number;
}

export interface XsbugListenerEvents {
  onLog(log: XsbugLog): void;
  /** A machine logged in (its name, e.g. "main"). */
  onLogin?(name: string): void;
  /**
   * A machine stopped (exception, `debugger`) and was told to go on: the message, where,
   * and its call stack as "function path:line" from the innermost frame.
   */
  onBreak?(message: string, path: string | undefined, line: number | undefined, frames: string[]): void;
}

/** One instrumentation sample: name -> value (bytes, counts). */
export type XsbugSample = ReadonlyMap<string, number>;

const ENTITY = /&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML text as xsbug sends it, unescaped. */
export function unescapeXml(text: string): string {
  return text.replace(ENTITY, (_, entity: string) => {
    if (entity[0] !== '#') return NAMED[entity];
    const code = entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? unescapeXml(match[1]) : undefined;
}

const GO = '\r\n<go/>\r\n';
const BREAK_ON_EXCEPTIONS = '\r\n<set-all-breakpoints><breakpoint path="exceptions" line="0"/></set-all-breakpoints>\r\n';
/** Largest envelope we wait for (a break's frames and globals stay well below). */
const MAX_PENDING = 4 << 20;

/** The protocol state of one connected machine. */
class MachineConnection {
  private pending = '';

  constructor(private readonly socket: Socket, private readonly listener: XsbugListener) {
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
  }

  private onData(chunk: string): void {
    this.pending += chunk;
    for (;;) {
      const end = this.pending.indexOf('</xsbug>');
      if (end < 0) break;
      const start = this.pending.indexOf('<xsbug>');
      const body = start >= 0 && start < end ? this.pending.slice(start + 7, end) : '';
      this.pending = this.pending.slice(end + 8);
      this.onMessage(body);
    }
    if (this.pending.length > MAX_PENDING) this.socket.destroy();
  }

  private onMessage(body: string): void {
    const events = this.listener.events;
    const login = /<login\b[^>]*>/.exec(body);
    if (login) {
      events.onLogin?.(attribute(login[0], 'name') ?? '');
      this.socket.write(GO + BREAK_ON_EXCEPTIONS);
    }
    for (const match of body.matchAll(/<log\b([^>]*)>([\s\S]*?)<\/log>/g)) {
      const path = attribute(match[1], 'path');
      const line = attribute(match[1], 'line');
      events.onLog({ text: unescapeXml(match[2]), path, line: line === undefined ? undefined : Number(line) });
    }
    const instruments = /<instruments>([\s\S]*?)<\/instruments>/.exec(body);
    if (instruments) {
      this.listener.instrumentNames = [...instruments[1].matchAll(/<instrument\b[^>]*>/g)].map((m) => attribute(m[0], 'name') ?? '');
    }
    const samples = /<samples>([^<]*)<\/samples>/.exec(body);
    if (samples) this.listener.recordSample(samples[1].split(',').map(Number));
    const stop = /<break\b([^>]*)>([\s\S]*?)<\/break>/.exec(body);
    if (stop) {
      const line = attribute(stop[1], 'line');
      const frames = [...body.matchAll(/<frame\b[^>]*>/g)].map((m) => {
        const where = attribute(m[0], 'path');
        return `${attribute(m[0], 'name') ?? '?'}${where === undefined ? '' : ` ${where}:${attribute(m[0], 'line')}`}`;
      });
      events.onBreak?.(unescapeXml(stop[2]), attribute(stop[1], 'path'), line === undefined ? undefined : Number(line), frames);
      this.socket.write(GO);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export class XsbugListener {
  instrumentNames: string[] = [];
  /** The latest sample, and the largest value seen of each instrument. */
  latest: XsbugSample = new Map();
  readonly peaks = new Map<string, number>();
  private readonly server: Server;
  private readonly machines = new Set<MachineConnection>();

  constructor(readonly events: XsbugListenerEvents) {
    this.server = createServer((socket) => {
      const machine = new MachineConnection(socket, this);
      this.machines.add(machine);
      socket.once('close', () => this.machines.delete(machine));
    });
  }

  /** Listens on host:port (port 0: any free port); resolves with the port. */
  listen(host = '127.0.0.1', port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  recordSample(values: number[]): void {
    const names = this.instrumentNames;
    const sample = new Map<string, number>();
    for (let i = 0; i < values.length && i < names.length; i++) {
      if (!Number.isFinite(values[i])) continue;
      sample.set(names[i], values[i]);
      if (values[i] > (this.peaks.get(names[i]) ?? -Infinity)) this.peaks.set(names[i], values[i]);
    }
    this.latest = sample;
  }

  close(): void {
    for (const machine of this.machines) machine.close();
    this.machines.clear();
    this.server.close();
  }
}
