/** Makes the ECMA-419 specifiers ("embedded:io/socket/...") importable in this Node process. */
import { register } from 'node:module';

let registered = false;

export function registerEmbeddedSpecifiers(): void {
  if (registered) return;
  registered = true;
  register('./embedded-hooks.js', import.meta.url);
}
