/**
 * How the standard specifiers reach src/io/socket on each engine, and that the classes fit
 * @moddable/typings: the Moddable manifest's entries (and the library names they import),
 * the XS host's files for its bare-specifier mapping, and a tsc run of
 * test/io/typings/tsconfig.json (conformance.ts and the echo example against the typings).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const SPECIFIERS = ['embedded:io/socket/tcp', 'embedded:io/socket/listener'];

describe('ECMA-419 specifiers', () => {
  it('are in the Moddable manifest, through entries that import modules the manifest has', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as { modules: Record<string, string> };
    for (const specifier of SPECIFIERS) {
      const entry = manifest.modules[specifier];
      expect(entry).toBeDefined();
      const source = readFileSync(join(ROOT, `${entry}.js`), 'utf8');
      const target = /from "([^"]+)"/.exec(source)![1];
      expect(manifest.modules[target]).toBe(`./src/${target.slice('xstcp/'.length)}`);
      expect(existsSync(join(ROOT, `${manifest.modules[target]}.ts`))).toBe(true);
      expect(target.endsWith(specifier.slice(specifier.lastIndexOf('/')))).toBe(true);
    }
  });

  it('map to the compiled modules on the XS host (":" becomes "/" under hosts/xs/modules)', () => {
    for (const specifier of SPECIFIERS) {
      const file = join(ROOT, 'hosts', 'xs', 'modules', `${specifier.replace(':', '/')}.js`);
      const source = readFileSync(file, 'utf8');
      const target = resolve(join(file, '..'), /from "([^"]+)"/.exec(source)![1]);
      const name = specifier.slice(specifier.lastIndexOf('/') + 1);
      expect(target).toBe(join(ROOT, 'dist', 'src', 'io', 'socket', `${name}.js`));
    }
  });

  it('fit the declarations of @moddable/typings, which the echo example compiles against', () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'test', 'io', 'typings', 'tsconfig.json')], { encoding: 'utf8', timeout: 120000 });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 130000);
});
