/**
 * xsbug: with --xsbug HOST:PORT the debug build connects to the debugger before the
 * program starts and logs in; trace() goes to xsbug's log; a `debugger;` statement
 * breaks with the frames, the locals and the break location reported; `<go/>` continues.
 * The debugger here is a stand-in TCP server on 127.0.0.1 that speaks xsbug's protocol.
 */
import { spawn, spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { useXsFixtures, xsBinary } from './helpers.js';

/** The debugger's side: what the machine sent so far, and a way to wait for a pattern. */
class StandInXsbug {
  readonly server: Server;
  received = '';
  socket: Socket | undefined;
  private waiters: { pattern: string; resolve: () => void }[] = [];

  constructor() {
    this.server = createServer((socket) => {
      this.socket = socket;
      socket.setEncoding('utf8');
      socket.on('data', (text: string) => {
        this.received += text;
        this.waiters = this.waiters.filter((w) => {
          if (!this.received.includes(w.pattern)) return true;
          w.resolve();
          return false;
        });
      });
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port)));
  }

  /** Resolves when `pattern` has arrived; rejects after `ms`. */
  waitFor(pattern: string, ms = 10000): Promise<void> {
    if (this.received.includes(pattern)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`xsbug stand-in: no '${pattern}' within ${ms} ms; got: ${this.received.slice(0, 500)}`)), ms);
      this.waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  send(command: string): void {
    this.socket!.write(`${command}\r\n`);
  }

  close(): void {
    this.socket?.destroy();
    this.server.close();
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('xsbug', () => {
  const files = useXsFixtures(['release', 'debug'], 600000);

  it('logs in before the program runs, breaks at debugger; with frames, and continues on <go/>', async () => {
    const entry = realpathSync(files.write(
      'debugged.js',
      ['trace("hello from trace\\n");', 'function inner(x) {', '  const y = x + 1;', '  debugger;', '  return y;', '}', 'print("result", inner(41));', ''].join('\n'),
    ));
    const xsbug = new StandInXsbug();
    const port = await xsbug.listen();
    const child = spawn(xsBinary('debug'), ['--xsbug', `127.0.0.1:${port}`, entry], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await xsbug.waitFor('</xsbug>\r\n');
      expect(xsbug.received).toBe('\r\n<xsbug><login name="xstcp" value="XS"/></xsbug>\r\n');
      // The machine waits for the debugger: nothing of the program has run yet.
      await delay(300);
      expect(stdout).toBe('');
      xsbug.send('<go/>');

      await xsbug.waitFor('</break>');
      expect(xsbug.received).toContain('<log>hello from trace&#10;</log>');
      expect(xsbug.received).toContain(`<break path="${entry}" line="4"># Break: debugger!`);
      const frames = /<frames>(.*?)<\/frames>/s.exec(xsbug.received);
      expect(frames).not.toBeNull();
      expect(frames![1]).toMatch(new RegExp(`^<frame name="inner" value="@[0-9A-F]+" path="${entry.replace(/[.]/g, '\\.')}" line="4"/>`));
      expect(frames![1]).toContain(`path="${entry}" line="7"/>`);
      expect(xsbug.received).toMatch(/<local name="inner"[^>]*>.*<property flags="[^"]*" name="x" value="41"\/>.*<property flags="[^"]*" name="y" value="42"\/>/s);
      // Stopped: the print after the call has not happened.
      await delay(200);
      expect(stdout).toBe('hello from trace\n');

      xsbug.send('<go/>');
      expect(await exited).toBe(0);
      expect(stdout).toBe('hello from trace\nresult 42\n');
      expect(stderr).toBe('');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      xsbug.close();
    }
  }, 30000);

  it('fails with exit code 1 when no debugger listens at the address', async () => {
    const xsbug = new StandInXsbug();
    const port = await xsbug.listen();
    xsbug.close(); // the port is free again: connecting is refused
    await delay(50);
    const entry = files.write('plain.js', 'print("ran");\n');
    const result = spawnSync(xsBinary('debug'), ['--xsbug', `127.0.0.1:${port}`, entry], { encoding: 'utf8', timeout: 15000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`cannot connect to xsbug at 127.0.0.1:${port}`);
    expect(result.stdout).toBe('');
  });

  it('the release build refuses --xsbug and names the debug build', () => {
    const entry = files.write('plain2.js', 'print("ran");\n');
    const result = spawnSync(xsBinary('release'), ['--xsbug', '127.0.0.1:5002', entry], { encoding: 'utf8', timeout: 10000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('build/xs/debug/xstcp-xs');
  });

  it('the debug build runs normally without --xsbug', () => {
    const entry = files.write('plain3.js', 'function f() { debugger; return 1; }\nprint("ran", f(), xsHost.debug);\n');
    const result = spawnSync(xsBinary('debug'), [entry], { encoding: 'utf8', timeout: 10000 });
    expect(result.stdout).toBe('ran 1 true\n');
    expect(result.status).toBe(0);
  });
});
