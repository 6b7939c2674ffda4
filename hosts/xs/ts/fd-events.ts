/// <reference path="../types/xs-host.d.ts" />
/**
 * Routes the host loop's "descriptor readable" calls (xsHost.onReadable) to the driver
 * that owns each descriptor, and keeps xsHost's watch list in step.
 */
const handlers = new Map<number, () => void>();

function dispatch(fd: number): void {
  const handler = handlers.get(fd);
  if (handler !== undefined) handler();
  // A descriptor nobody claims would wake the loop forever.
  else xsHost.unwatch(fd);
}

/** Calls `onReadable` from the event loop whenever `fd` is readable (level-triggered). */
export function watchDescriptor(fd: number, onReadable: () => void): void {
  xsHost.onReadable = dispatch;
  handlers.set(fd, onReadable);
  xsHost.watch(fd);
}

export function unwatchDescriptor(fd: number): void {
  handlers.delete(fd);
  xsHost.unwatch(fd);
}
