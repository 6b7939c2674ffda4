/**
 * The kernel interop tests again with every board in Moddable's simulator
 * (`xstcp board --engine moddable`, XS 17), when $MODDABLE names an SDK with its Linux
 * tools built: ping, GET /, 404, /bytes/10000000 byte-exact, 200 sequential and 20
 * parallel GETs, echo 1 MB, discard and chargen 50 MB, every socket back in LISTEN, and
 * the ECMA-419 echo (examples/ecma419-echo.ts) on XS 17.
 * The app builds are made first (mcconfig, minutes on a loaded machine; cached under
 * build/moddable/), so the suites' `ready` waits measure the start, not the build.
 * Left out: close.test.ts (it reads the board's --pcap, which the simulator cannot write)
 * and connect.test.ts (its board is a Node fixture).
 */
import { parseArgs } from '../../hosts/common/cli-args.js';
import { appConfig, buildModdableApp, findModdableSdk } from '../../hosts/node/board-moddable.js';
import { REPO_ROOT } from '../interop/helpers.js';

process.env.XSTCP_INTEROP_ENGINE = 'moddable';

const sdk = findModdableSdk();

/** The --app sets the suites start boards with (each is its own mcconfig config). */
const APP_SETS = ['http', 'http,echo', 'http,discard,chargen', 'http,ecma419-echo'];

// Without an SDK (CI has none) this skips, with the reason, on every machine; the suites
// inside apply their own TAP/root/curl rules.
if (typeof sdk === 'string') {
  describe('on the Moddable engine (mcsim, XS 17)', () => {
    it.skip(`needs a Moddable SDK: ${sdk}`, () => {});
  });
} else describe('on the Moddable engine (mcsim, XS 17)', () => {
  beforeAll(async () => {
    for (const apps of APP_SETS) {
      const r = parseArgs(['board', '--tap', 'xi0', '--ip', '198.18.0.2/24', '--trace', '--app', apps]);
      if (!r.ok || r.args.command !== 'board') throw new Error(`bad arguments for ${apps}`);
      await buildModdableApp(REPO_ROOT, sdk, appConfig(r.args), false);
    }
  }, 3600000);

  require('../interop/http.test');
  require('../interop/services.test');
  require('../interop/ecma419.test');
});
