/**
 * The TAP driver against the Linux kernel. Each test makes its own namespace
 * (xstcp-tap-<pid>-<tag>) and runs the driver in a child process inside it
 * (test/node/fixtures/tap-fixture.mjs, the compiled dist/ under plain Node): a TAP fd
 * belongs to the namespace of the process that opened /dev/net/tun.
 */
import {
  deviceCounter,
  describeIf,
  ensureDistBuilt,
  ip,
  killAllFixtures,
  Namespaces,
  removeStaleNamespaces,
  tapFixture,
  tapMissingReason,
} from './helpers.js';

const KERNEL_ADDRESS = '198.18.0.1/24';

describeIf(tapMissingReason(), 'TapMac on a TAP device in a network namespace', () => {
  const namespaces = new Namespaces();

  beforeAll(() => {
    removeStaleNamespaces();
    ensureDistBuilt();
  }, 300000);

  afterAll(async () => {
    await killAllFixtures();
    namespaces.removeAll();
  }, 30000);

  it('attaches to a persistent TAP (carrier while open), refuses a second opener with EBUSY, and exits by itself after close', async () => {
    const netns = namespaces.create('hold');
    namespaces.addDevice(netns, 'tap0');
    expect(ip('-n', netns, '-o', 'link', 'show', 'tap0')).toContain('NO-CARRIER');

    const holder = tapFixture(netns, ['hold', 'tap0']);
    try {
      const ready = await holder.waitFor('ready', 10000);
      expect(ready).toMatchObject({ name: 'tap0', linkUp: true });
      const attached = ip('-n', netns, '-o', 'link', 'show', 'tap0');
      expect(attached).toContain('LOWER_UP');
      expect(attached).not.toContain('NO-CARRIER');

      const second = tapFixture(netns, ['open-once', 'tap0']);
      const refused = await second.waitFor('error', 10000);
      expect(refused).toMatchObject({ code: 'EBUSY', errno: -16, syscall: 'ioctl(TUNSETIFF)' });
      expect(refused.message).toContain('Device or resource busy');
      expect((await second.waitExit(5000)).code).toBe(0);

      const stopAt = Date.now();
      holder.child.kill('SIGTERM');
      expect(await holder.waitFor('closed', 5000)).toMatchObject({ linkUp: false });
      const exit = await holder.waitExit(5000);
      expect(exit.code).toBe(0);
      // Nothing (poll handle, timer) kept the process alive after close().
      expect(exit.at - stopAt).toBeLessThan(2000);
    } finally {
      holder.kill();
    }
    // Persistent: still there, without carrier, and free for the next opener.
    expect(ip('-n', netns, '-o', 'link', 'show', 'tap0')).toContain('NO-CARRIER');
    const again = tapFixture(netns, ['open-once', 'tap0']);
    expect(await again.waitFor('opened', 10000)).toMatchObject({ name: 'tap0' });
    expect((await again.waitExit(5000)).code).toBe(0);
  }, 60000);

  it('creates a device when none exists (the kernel fills in a %d pattern); it vanishes on close', async () => {
    const netns = namespaces.create('create');
    const fixture = tapFixture(netns, ['open-once', 'xst%d']);
    expect(await fixture.waitFor('opened', 10000)).toMatchObject({ name: 'xst0' });
    expect((await fixture.waitExit(5000)).code).toBe(0);
    expect(() => ip('-n', netns, 'link', 'show', 'xst0')).toThrow(/does not exist/);
  }, 30000);

  it('reports EINVAL for a TUN device of that name (the flags must match)', async () => {
    const netns = namespaces.create('tun');
    namespaces.addDevice(netns, 'tun0', { mode: 'tun' });
    const fixture = tapFixture(netns, ['open-once', 'tun0']);
    const refused = await fixture.waitFor('error', 10000);
    expect(refused).toMatchObject({ code: 'EINVAL', errno: -22, syscall: 'ioctl(TUNSETIFF)' });
    expect(refused.message).toBe('ioctl(TUNSETIFF) tun0: EINVAL (Invalid argument)');
    expect((await fixture.waitExit(5000)).code).toBe(0);
  }, 30000);

  it('moves frames both ways: answers the kernel\'s ARP and UDP, and the kernel answers our ICMP echo', async () => {
    const netns = namespaces.create('echo');
    namespaces.addDevice(netns, 'tap0', { address: KERNEL_ADDRESS });
    const fixture = tapFixture(netns, ['echo', 'tap0']);
    const result = await fixture.waitFor('result', 15000);
    expect((await fixture.waitExit(5000)).code).toBe(0);

    // 20 datagrams from a kernel socket came back byte for byte: the kernel parsed (and
    // checksum-verified) the frames we wrote, and we parsed the ones it sent.
    expect(result).toMatchObject({ datagrams: 20, echoedBack: 20, mismatched: 0, icmpReplyPayloadOk: true });
    const seen = result.seen as Record<string, number>;
    expect(seen.arpRequests).toBeGreaterThanOrEqual(1);
    expect(seen.udpEchoed).toBe(20);
    expect(seen.icmpRepliesFromKernel).toBe(1);
    expect(seen.malformed).toBe(0);
    const stats = result.stats as Record<string, number>;
    // At least: one ARP request, 20 datagrams and the echo reply in; the ARP reply, 20 echoes and the request out.
    expect(stats.rxFrames).toBeGreaterThanOrEqual(22);
    expect(stats.txFrames).toBeGreaterThanOrEqual(22);
    expect(stats).toMatchObject({ rxDropped: 0, txRefused: 0, txErrors: 0 });
    // The kernel counted on its side exactly what the driver counted on ours.
    expect(deviceCounter(netns, 'tap0', 'rx_packets')).toBe(stats.txFrames);
    expect(deviceCounter(netns, 'tap0', 'tx_packets')).toBe(stats.rxFrames);
  }, 40000);

  it('drops and counts frames beyond a full receive queue, and notifies again once drained', async () => {
    const netns = namespaces.create('overflow');
    namespaces.addDevice(netns, 'tap0', { address: KERNEL_ADDRESS });
    // No ARP needed: the kernel sends straight to the driver's MAC.
    ip('-n', netns, 'neigh', 'replace', '198.18.0.2', 'lladdr', '02:00:00:00:00:02', 'dev', 'tap0', 'nud', 'permanent');
    const fixture = tapFixture(netns, ['overflow', 'tap0', '32', '200']);
    const result = await fixture.waitFor('result', 15000);
    expect((await fixture.waitExit(5000)).code).toBe(0);

    const full = result.full as { stats: Record<string, number>; pending: number; notifications: number; kernelSent: number; kernelTxDropped: number };
    expect(full.kernelSent).toBe(200);
    expect(full.kernelTxDropped).toBe(0);
    // Tail drop: 32 queued, the other 168 read and counted as dropped; none lost silently.
    expect(full.stats).toMatchObject({ rxFrames: 32, rxDropped: 168 });
    expect(full.pending).toBe(32);
    // One "Rx interrupt": the queue went from empty to non-empty once.
    expect(full.notifications).toBe(1);
    expect(result.drained).toBe(32);
    const afterDrain = result.afterDrain as { stats: Record<string, number>; pending: number; notifications: number };
    expect(afterDrain).toMatchObject({ pending: 1, notifications: 2 });
    expect(afterDrain.stats).toMatchObject({ rxFrames: 33, rxDropped: 168 });
  }, 40000);

  it('reports the device being deleted under it, closes itself, and the process exits', async () => {
    const netns = namespaces.create('deleted');
    namespaces.addDevice(netns, 'tap0', { address: KERNEL_ADDRESS });
    const fixture = tapFixture(netns, ['deleted', 'tap0']);
    try {
      await fixture.waitFor('ready', 10000);
      const deletedAt = Date.now();
      ip('-n', netns, 'link', 'del', 'tap0');
      const failure = await fixture.waitFor('error', 5000);
      // epoll reports POLLERR, libuv reports it as EBADF.
      expect(failure.code).toMatch(/^EBADFD?$/);
      expect(failure).toMatchObject({ linkUp: false, transmitAfter: false });
      expect((failure.stats as Record<string, number>).txRefused).toBe(1);
      const exit = await fixture.waitExit(5000);
      expect(exit.code).toBe(0);
      expect(exit.at - deletedAt).toBeLessThan(2000);
    } finally {
      fixture.kill();
    }
  }, 30000);

  it('a worker thread that ends with the device open releases it (environment cleanup closes the fd)', async () => {
    const netns = namespaces.create('worker');
    namespaces.addDevice(netns, 'tap0');
    const fixture = tapFixture(netns, ['worker', 'tap0']);
    const result = await fixture.waitFor('result', 15000);
    // Without the cleanup the second worker would get EBUSY.
    expect(result).toMatchObject({ rounds: ['tap0', 'tap0', 'tap0'], reopened: 'tap0' });
    expect((await fixture.waitExit(5000)).code).toBe(0);
  }, 30000);
});
