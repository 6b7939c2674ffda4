'use strict';
/*
 * Loads the native TAP addon built by build.cjs (node-gyp puts it in build/Release).
 * CommonJS so that both ESM (through createRequire) and CommonJS callers can load it.
 */
const path = require('node:path');

const candidates = [
  path.join(__dirname, 'build', 'Release', 'tap.node'),
  path.join(__dirname, 'build', 'Debug', 'tap.node'),
];

function load() {
  let firstError;
  for (const file of candidates) {
    try {
      return require(file);
    } catch (error) {
      if (error && error.code !== 'MODULE_NOT_FOUND') throw error;
      if (firstError === undefined) firstError = error;
    }
  }
  const error = new Error(
    `The TAP addon is not built (looked for ${candidates.join(', ')}). ` +
      'Build it with `node hosts/node/tap/build.cjs` (npm install runs it).',
  );
  error.code = 'ERR_TAP_ADDON_NOT_BUILT';
  error.cause = firstError;
  throw error;
}

module.exports = load();
