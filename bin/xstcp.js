#!/usr/bin/env node
// The xstcp command; the code is compiled from hosts/node/cli.ts by `npm run build`.
import { main } from '../dist/hosts/node/cli.js';

const code = main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;
else code.then((c) => { process.exitCode = c; }, (e) => { process.stderr.write(`xstcp: ${e?.stack ?? e}\n`); process.exitCode = 1; });
