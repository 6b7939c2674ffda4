/**
 * The interop tests again with every board on the XS host (`xstcp board --engine xs`):
 * the same files, registered inside this block with XSTCP_INTEROP_ENGINE=xs. Left out:
 * connect.test.ts (its board is a Node fixture driving fnTCP_Connect directly, not the
 * CLI) and cli.test.ts (nothing engine-specific).
 */
process.env.XSTCP_INTEROP_ENGINE = 'xs';

describe('on the XS engine', () => {
  require('./http.test');
  require('./close.test');
  require('./services.test');
  require('./ecma419.test');
  require('./scripted-peer.test');
  require('./hostile-ab.test');
  require('./hostile-flood.test');
  require('./impaired.test');
  require('./window-scale.test');
});
