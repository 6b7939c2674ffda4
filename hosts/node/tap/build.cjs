#!/usr/bin/env node
'use strict';
/*
 * Builds the TAP addon (build/Release/tap.node) at `npm install`, offline.
 *
 * node-gyp downloads Node's headers unless told where they are, so we pass
 * `--nodedir` whenever the running Node's headers are installed (Debian's nodejs puts
 * them in /usr/include/node). node-gyp is the copy bundled with npm; if it cannot be
 * found or fails, the one C file is compiled directly with cc.
 *
 * Set XSTCP_SKIP_TAP_BUILD=1 to skip. On other systems than Linux there is nothing to
 * build (TAP devices are Linux's) and the script only says so.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const here = __dirname;
const say = (line) => process.stderr.write(`tap addon: ${line}\n`);

function nodeHeadersPrefix() {
  const candidates = [path.resolve(path.dirname(process.execPath), '..'), '/usr', '/usr/local'];
  return candidates.find((prefix) => fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')));
}

function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    candidates.push(path.resolve(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  candidates.push(path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js', { paths: [here, process.cwd()] }));
  } catch {
    // not installed locally
  }
  const npmRoot = spawnSync('npm', ['root', '-g'], { encoding: 'utf8', timeout: 30000 });
  if (npmRoot.status === 0 && npmRoot.stdout.trim()) {
    candidates.push(path.join(npmRoot.stdout.trim(), 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  return candidates.find((file) => file.endsWith('.js') && fs.existsSync(file));
}

function buildWithNodeGyp(nodeGyp, headersPrefix) {
  const args = [nodeGyp, 'rebuild'];
  if (headersPrefix) args.push(`--nodedir=${headersPrefix}`);
  say(`node ${args.join(' ')}`);
  const result = spawnSync(process.execPath, args, { cwd: here, stdio: 'inherit', timeout: 300000 });
  return result.status === 0;
}

function buildWithCc(headersPrefix) {
  if (!headersPrefix) return false;
  const cc = process.env.CC || 'cc';
  const outDir = path.join(here, 'build', 'Release');
  fs.mkdirSync(outDir, { recursive: true });
  const args = ['-O2', '-Wall', '-Wextra', '-std=gnu11', '-fPIC', '-shared', '-pthread', '-DNAPI_VERSION=8',
    `-I${path.join(headersPrefix, 'include', 'node')}`, path.join(here, 'src', 'tap.c'), path.join(here, 'src', 'writer.c'),
    '-o', path.join(outDir, 'tap.node')];
  say(`${cc} ${args.join(' ')}`);
  const result = spawnSync(cc, args, { stdio: 'inherit', timeout: 120000 });
  return result.status === 0;
}

function main() {
  if (process.env.XSTCP_SKIP_TAP_BUILD) {
    say('skipped (XSTCP_SKIP_TAP_BUILD is set)');
    return 0;
  }
  if (process.platform !== 'linux') {
    say(`not built: TAP devices are Linux only (this is ${process.platform})`);
    return 0;
  }
  const headersPrefix = nodeHeadersPrefix();
  if (!headersPrefix) say('Node headers not found locally: node-gyp may try to download them');
  const nodeGyp = findNodeGyp();
  if (nodeGyp && buildWithNodeGyp(nodeGyp, headersPrefix)) return 0;
  say(nodeGyp ? 'node-gyp failed; trying cc directly' : 'node-gyp not found; trying cc directly');
  if (buildWithCc(headersPrefix)) return 0;
  say('build FAILED: the Node host cannot use TAP devices until hosts/node/tap is built');
  return 1;
}

process.exitCode = main();
