/** Where the stack's diagnostics go: a console, xsbug's trace, or a test's array. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogSink = (level: LogLevel, message: string) => void;

/** Discards everything. */
export const silentLog: LogSink = () => {};
