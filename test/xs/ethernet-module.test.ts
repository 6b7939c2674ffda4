/**
 * The native Ethernet host module (targets/common + the TAP driver of targets/lin) as
 * JavaScript sees it on the XS host, through the very module Moddable builds
 * (targets/common/ethernet.js over the host's Native/native): argument errors, then
 * against the Linux kernel on a TAP device in a namespace xstcp-tap-<pid>-<tag>: the
 * kernel's ARP request read exactly (read(buffer) and read() forms, a buffer too small
 * refused without losing the frame), our ARP reply written and believed by the kernel
 * (its echo request comes to our MAC), counters, close, and onError when the device is deleted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { describeIf, ip, Namespaces, removeStaleNamespaces, tapMissingReason } from '../node/helpers.js';
import { Fixtures, prepareXs, REPO_ROOT, runXs, xsBinary } from './helpers.js';

const ERRORS_SCRIPT = `
import Ethernet from "xstcp/ethernet";
const results = {};
function attempt(name, f) {
  try { f(); results[name] = "no error"; } catch (e) { results[name] = e.name + ": " + e.message; }
}
attempt("noOptions", () => new Ethernet());
attempt("badMac", () => new Ethernet({ device: "xsbad0", mac: new Uint8Array(5) }));
attempt("queueZero", () => new Ethernet({ device: "xsbad0", queue: 0 }));
attempt("queueFraction", () => new Ethernet({ device: "xsbad0", queue: 1.5 }));
attempt("queueTooBig", () => new Ethernet({ device: "xsbad0", queue: 65537 }));
attempt("badOnReadable", () => new Ethernet({ device: "xsbad0", onReadable: 3 }));
attempt("badOnError", () => new Ethernet({ device: "xsbad0", onError: "x" }));
attempt("deviceNotString", () => new Ethernet({ device: 7 }));
attempt("deviceTooLong", () => new Ethernet({ device: "x".repeat(100) }));
attempt("deviceEmpty", () => new Ethernet({ device: "" }));
attempt("unknownNative", () => native("xs_no_such_function"));
attempt("unknownNativeClass", () => Native("xs_no_such_destructor"));
attempt("foreignThis", () => Ethernet.prototype.write.call({}, new Uint8Array(1)));
attempt("constructOnForeign", () => native("xs_ethernet_constructor").call({}, { device: "xsbad0" }));
print(JSON.stringify(results));
`;

const ARP_SCRIPT = `
import Ethernet from "xstcp/ethernet";
const MAC = [2, 0, 0, 0, 0, 2];
const IP = [198, 18, 0, 2];
const log = { frames: 0, replied: false };
const buffer = new Uint8Array(1536);
let first = true;
const dotted = (bytes) => Array.from(bytes).join(".");
const eth = new Ethernet({
  device: "xseth0", mac: new Uint8Array(MAC), queue: 8,
  onReadable(waiting) {
    if (log.waitingAtFirstCall === undefined) log.waitingAtFirstCall = waiting;
    log.thisIsEthernet = this === eth;
    if (first) {
      first = false;
      try { this.read(new Uint8Array(10)); log.tooSmall = "no error"; } catch (e) { log.tooSmall = e.name; }
      const whole = this.read();
      log.readFormArrayBuffer = whole instanceof ArrayBuffer;
      handle(new Uint8Array(whole));
    }
    let n;
    while ((n = this.read(buffer)) > 0) handle(buffer.subarray(0, n));
    log.emptyRead = this.read(buffer);
  },
});
function handle(frame) {
  log.frames++;
  const type = (frame[12] << 8) | frame[13];
  if (type === 0x0806 && frame[21] === 1 && dotted(frame.subarray(38, 42)) === "198.18.0.2" && !log.arpRequest) {
    log.arpRequest = { length: frame.length, broadcast: frame.subarray(0, 6).every((b) => b === 255), sender: dotted(frame.subarray(28, 32)) };
    const reply = new Uint8Array(42);
    reply.set(frame.subarray(6, 12), 0); reply.set(MAC, 6); reply[12] = 8; reply[13] = 6;
    reply.set([0, 1, 8, 0, 6, 4, 0, 2], 14); reply.set(MAC, 22); reply.set(IP, 28);
    reply.set(frame.subarray(22, 28), 32); reply.set(frame.subarray(28, 32), 38);
    log.replied = eth.write(reply);
  } else if (type === 0x0800 && frame[23] === 1 && frame[34] === 8 && dotted(frame.subarray(30, 34)) === "198.18.0.2" && !log.echoRequest) {
    // The kernel believed our reply: it sends the echo request to our MAC.
    log.echoRequest = { to: Array.from(frame.subarray(0, 6)) };
    log.statsBeforeClose = eth.stats;
    eth.close();
    eth.close();
    log.afterClose = { write: eth.write(new Uint8Array(60)), linkUp: eth.linkUp, stats: eth.stats };
    print(JSON.stringify(log));
  }
}
try { native("xs_ethernet_constructor").call(eth, { device: "xseth0" }); log.reconstruct = "no error"; } catch (e) { log.reconstruct = e.message; }
log.mac = Array.from(new Uint8Array(eth.macAddress));
log.linkUpAtOpen = eth.linkUp;
print("ready");
`;

const ERROR_SCRIPT = `
import Ethernet from "xstcp/ethernet";
const eth = new Ethernet({
  device: "xseth1",
  onReadable() { let n; while ((n = this.read(new Uint8Array(1536))) > 0); },
  onError(message) {
    print(JSON.stringify({ message, thisIsEthernet: this === eth, linkUp: eth.linkUp, write: eth.write(new Uint8Array(60)) }));
  },
});
print("ready");
`;

/** Runs `script` in `netns`; once it prints "ready", runs `then`; resolves with its stdout and exit code. */
function runInNamespace(netns: string, script: string, then: () => void): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', netns, xsBinary('release'), script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let started = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit after 20 s: ${stdout} ${stderr}`));
    }, 20000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!started && stdout.includes('ready\n')) {
        started = true;
        try {
          then();
        } catch (error) {
          child.kill('SIGKILL');
          reject(error as Error);
        }
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
  });
}

const namespaces = new Namespaces();
let files: Fixtures;
beforeAll(() => {
  prepareXs(['release']);
  if (tapMissingReason() === undefined) removeStaleNamespaces();
  files = new Fixtures();
}, 400000);
afterAll(() => {
  namespaces.removeAll();
  files?.remove();
});

describe('Ethernet host module: arguments', () => {
  it('refuses bad options, unknown native names and foreign objects with clear errors', () => {
    const result = runXs(files.write('errors.js', ERRORS_SCRIPT), [], { timeoutMs: 20000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      noOptions: 'TypeError: Ethernet: options object required',
      badMac: 'RangeError: Ethernet: mac must be 6 bytes',
      queueZero: 'RangeError: Ethernet: queue must be an integer 1..65536',
      queueFraction: 'RangeError: Ethernet: queue must be an integer 1..65536',
      queueTooBig: 'RangeError: Ethernet: queue must be an integer 1..65536',
      badOnReadable: 'TypeError: Ethernet: onReadable must be a function',
      badOnError: 'TypeError: Ethernet: onError must be a function',
      deviceNotString: 'TypeError: Ethernet: device must be a string',
      deviceTooLong: 'RangeError: Ethernet: device name too long',
      deviceEmpty: "Error: bad TAP device name ''",
      unknownNative: 'TypeError: native: no host function xs_no_such_function',
      unknownNativeClass: 'TypeError: Native: no destructor xs_no_such_destructor',
      foreignThis: expect.stringMatching(/host object/),
      constructOnForeign: expect.stringMatching(/host object/),
    });
  });
});

describeIf(tapMissingReason(), 'Ethernet host module against the Linux kernel', () => {
  it('reads the kernel\'s ARP request exactly and writes a reply the kernel believes', async () => {
    const ns = namespaces.create('ethmod');
    namespaces.addDevice(ns, 'xseth0', { address: '198.18.0.1/24' });
    let ping: ChildProcess | undefined;
    const result = await runInNamespace(ns, files.write('arp.js', ARP_SCRIPT), () => {
      // No answer to the echo requests: ping only makes the kernel resolve and send.
      ping = spawn('ip', ['netns', 'exec', ns, 'ping', '-c', '2', '-i', '0.5', '-W', '1', '198.18.0.2'], { stdio: 'ignore' });
    });
    ping?.kill('SIGKILL');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0); // closed: no descriptor left, the loop ends
    const log = JSON.parse(result.stdout.split('\n')[1]);
    expect(log.reconstruct).toBe('Ethernet: already constructed');
    expect(log.mac).toEqual([2, 0, 0, 0, 0, 2]);
    expect(log.linkUpAtOpen).toBe(true);
    expect(log.thisIsEthernet).toBe(true);
    expect(log.waitingAtFirstCall).toBeGreaterThanOrEqual(1);
    expect(log.tooSmall).toBe('RangeError');
    expect(log.readFormArrayBuffer).toBe(true);
    expect(log.emptyRead).toBe(0);
    expect(log.arpRequest).toEqual({ length: 42, broadcast: true, sender: '198.18.0.1' });
    expect(log.replied).toBe(true);
    // The kernel believed the reply: its echo request goes to the MAC we announced.
    expect(log.echoRequest).toEqual({ to: [2, 0, 0, 0, 0, 2] });
    expect(log.statsBeforeClose).toMatchObject({ rxDropped: 0, txFrames: 1, txRefused: 0 });
    expect(log.statsBeforeClose.rxFrames).toBeGreaterThanOrEqual(2);
    expect(log.afterClose).toEqual({ write: false, linkUp: false, stats: { ...log.statsBeforeClose, rxPending: log.afterClose.stats.rxPending, txRefused: 1 } });
  }, 60000);

  it('closes and calls onError once with the reason when the device is deleted', async () => {
    const ns = namespaces.create('ethdel');
    namespaces.addDevice(ns, 'xseth1', { address: '198.18.0.1/24' });
    const result = await runInNamespace(ns, files.write('deleted.js', ERROR_SCRIPT), () => ip('-n', ns, 'link', 'del', 'xseth1'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1])).toEqual({ message: expect.stringMatching(/^TAP read: /), thisIsEthernet: true, linkUp: false, write: false });
  }, 60000);
});

