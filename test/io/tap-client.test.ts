/**
 * The ECMA-419 TCP client of examples/ecma419-echo.ts against the Linux kernel over a TAP
 * device, on Node and on the XS host: the board (test/io/fixtures/ecma419-client.mjs, the
 * same file on both engines) connects to a kernel echo server
 * (fixtures/kernel-echo-server.mjs), sends 1 MB while checking every echoed byte, closes;
 * then connects to a port where nothing listens and gets onError. The kernel's side sees
 * the whole megabyte and a clean close, and keeps no connection open.
 */
import { join } from 'node:path';
import { describeIf, inNetns, interopMissingReason, interopNamespace, REPO_ROOT, TAP_DEVICE, useInteropLifecycle } from '../interop/helpers.js';
import { FixtureProcess } from '../node/helpers.js';
import { prepareXs, xsBinary } from '../xs/helpers.js';

const FIXTURES = join(REPO_ROOT, 'test', 'io', 'fixtures');
const PORT = 7007;
const MB = 1_000_000;

describeIf(interopMissingReason(['ss']), 'ECMA-419 TCP client against the kernel over TAP', () => {
  const { namespaces } = useInteropLifecycle();

  for (const engine of ['node', 'xs'] as const) {
    it(`on ${engine}: echoes 1 MB byte-exact through a kernel echo server, closes cleanly, and sees a refusal as onError`, async () => {
      if (engine === 'xs') prepareXs(['release']);
      const netns = interopNamespace(namespaces, `ecma-${engine}`);
      const server = new FixtureProcess('ip', ['netns', 'exec', netns, process.execPath, join(FIXTURES, 'kernel-echo-server.mjs'), String(PORT)], 90000);
      await server.waitFor('listening', 10000);
      const runner = engine === 'xs' ? [xsBinary('release')] : [process.execPath];
      const board = new FixtureProcess('ip', ['netns', 'exec', netns, ...runner, join(FIXTURES, 'ecma419-client.mjs'), TAP_DEVICE, String(PORT), String(MB)], 60000);
      const done = await board.waitFor('done', 45000);
      expect(done).toMatchObject({ sent: MB, received: MB, mismatchAt: -1, failed: false });
      console.log(`ECMA-419 client on ${engine}: 1 MB echoed through the kernel in ${done.ms} ms`);
      const refused = await board.waitFor('refused', 10000);
      expect(refused).toMatchObject({ failed: true, sent: 0 });
      expect((await board.exited).code).toBe(0);
      const closed = await server.waitFor('closed', 5000);
      expect(closed).toMatchObject({ bytes: MB, hadError: false });
      // The kernel closed passively (the board sent the first FIN): no connection is left.
      const open = inNetns(netns, 'ss', '-Htan', 'state', 'connected').trim().split('\n').filter((l) => l.length > 0);
      expect(open).toEqual([]);
      server.kill();
    }, 120000);
  }
});
