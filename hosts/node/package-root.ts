/**
 * The xstcp package root — where the sources the XS and Moddable engines build from are —
 * found by walking up from the running script (bin/xstcp.js or dist/...), else the
 * current directory.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The first directory, from the script upwards, that holds `marker` (a relative path). */
export function packageRoot(marker: string): string | undefined {
  let dir = dirname(resolve(process.argv[1] ?? '.'));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, marker))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return existsSync(join(process.cwd(), marker)) ? process.cwd() : undefined;
}
