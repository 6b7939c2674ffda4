/** RealClock: monotonic milliseconds, one-shot timers on setTimeout, and `unref`. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MAX_TIMEOUT_MS, RealClock } from '../../hosts/node/real-clock.js';
import { ensureDistBuilt, REPO_ROOT } from './helpers.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('RealClock on real time', () => {
  it('counts milliseconds that never go backwards and follow the wall clock', async () => {
    const clock = new RealClock();
    let previous = clock.now();
    for (let i = 0; i < 1000; i++) {
      const now = clock.now();
      expect(now).toBeGreaterThanOrEqual(previous);
      previous = now;
    }
    const start = clock.now();
    const wallStart = Date.now();
    await sleep(50);
    const elapsed = clock.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(Math.abs(elapsed - (Date.now() - wallStart))).toBeLessThan(10);
  });

  it('fires each timer once, never before its time, in time order', async () => {
    const clock = new RealClock();
    const fired: { name: string; late: number }[] = [];
    const base = clock.now();
    for (const [name, offset] of [['c', 30], ['a', 5], ['b', 12.5], ['past', -100]] as const) {
      const at = base + offset;
      clock.setTimer(at, () => fired.push({ name, late: clock.now() - at }));
    }
    expect(clock.pendingTimers()).toBe(4);
    for (let i = 0; i < 100 && fired.length < 4; i++) await sleep(10);
    expect(fired.map((f) => f.name)).toEqual(['past', 'a', 'b', 'c']);
    for (const f of fired) expect(f.late).toBeGreaterThanOrEqual(0);
    expect(clock.pendingTimers()).toBe(0);
    await sleep(40);
    expect(fired).toHaveLength(4);
  });

  it('cleared timers do not fire; unknown ids are ignored', async () => {
    const clock = new RealClock();
    let fired = 0;
    const id = clock.setTimer(clock.now() + 5, () => fired++);
    const other = clock.setTimer(clock.now() + 5, () => fired++);
    expect(id).not.toBe(other);
    clock.clearTimer(id);
    clock.clearTimer(id);
    clock.clearTimer(9999);
    await sleep(30);
    expect(fired).toBe(1);
  });

  it('clearAll cancels everything pending', async () => {
    const clock = new RealClock();
    let fired = 0;
    for (let i = 0; i < 5; i++) clock.setTimer(clock.now() + 5, () => fired++);
    clock.clearAll();
    expect(clock.pendingTimers()).toBe(0);
    await sleep(30);
    expect(fired).toBe(0);
  });
});

describe('RealClock with jest fake timers', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('waits out delays longer than setTimeout allows (Node would fire them after 1 ms)', () => {
    jest.useFakeTimers();
    const clock = new RealClock();
    let fired = 0;
    const at = clock.now() + 3_000_000_000;
    clock.setTimer(at, () => fired++);
    jest.advanceTimersByTime(10);
    expect(fired).toBe(0);
    jest.advanceTimersByTime(MAX_TIMEOUT_MS);
    expect(fired).toBe(0);
    expect(clock.pendingTimers()).toBe(1);
    jest.advanceTimersByTime(3_000_000_000 - MAX_TIMEOUT_MS - 10);
    expect(fired).toBe(1);
    expect(clock.now()).toBeGreaterThanOrEqual(at);
  });

  it('rounds fractional delays up: a timer never fires before atMs', () => {
    jest.useFakeTimers();
    const clock = new RealClock();
    let firedAt: number | undefined;
    const at = clock.now() + 2.4;
    clock.setTimer(at, () => (firedAt = clock.now()));
    jest.advanceTimersByTime(2);
    expect(firedAt).toBeUndefined();
    jest.advanceTimersByTime(1);
    expect(firedAt).toBeGreaterThanOrEqual(at);
  });
});

describe('RealClock unref (compiled dist/, plain Node)', () => {
  beforeAll(() => ensureDistBuilt(), 300000);

  const run = (script: string) => {
    const url = pathToFileURL(join(REPO_ROOT, 'dist', 'hosts', 'node', 'real-clock.js')).href;
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', `import { RealClock } from ${JSON.stringify(url)};\n${script}`], {
      encoding: 'utf8',
      timeout: 20000,
    });
    return { ...result, ms: Date.now() - started };
  };

  it('a timer of an unref clock does not keep the process alive', () => {
    const result = run("const c = new RealClock({ unref: true }); c.setTimer(c.now() + 60000, () => console.log('fired'));");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.ms).toBeLessThan(10000);
  });

  it('a timer of a normal clock does keep it alive until it fires', () => {
    const result = run("const c = new RealClock(); const t0 = c.now(); c.setTimer(t0 + 300, () => console.log('fired', c.now() - t0 >= 300));");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('fired true\n');
  });
});
