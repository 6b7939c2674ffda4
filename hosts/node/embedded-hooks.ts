/**
 * A Node module-resolution hook (registered by embedded-specifiers.ts): the ECMA-419
 * specifiers an application imports, "embedded:io/socket/tcp" and
 * "embedded:io/socket/listener", resolve to xstcp's compiled modules, as a Moddable
 * manifest maps them on a device.
 */
type Resolved = { url: string; shortCircuit?: boolean; format?: string | null };
type NextResolve = (specifier: string, context: unknown) => Resolved | Promise<Resolved>;

const EMBEDDED = /^embedded:io\/socket\/(tcp|listener)$/;

export async function resolve(specifier: string, context: unknown, next: NextResolve): Promise<Resolved> {
  const m = EMBEDDED.exec(specifier);
  if (m === null) return next(specifier, context);
  // This file is dist/hosts/node/embedded-hooks.js; the modules are under dist/src/io/socket/.
  return { url: new URL(`../../src/io/socket/${m[1]}.js`, import.meta.url).href, format: 'module', shortCircuit: true };
}
