/**
 * Applications on the µTasker TCP API: the seed's HTTP 1.0 server (simple TCP) and the
 * echo, discard and chargen services (buffered TCP). Each is `startX(stack.api, options)`
 * and returns a handle with counters and `stop()`.
 *
 *   const http = startHttp(stack.api, { board: stack.tcp });
 *   const echo = startEcho(stack.api);
 */
export { startHttp, HTTP_BLOCK_LENGTH, HTTP_BLOCKS_IN_FLIGHT, HTTP_BUFFER_LENGTH, HTTP_PORT, HTTP_REQUEST_LIMIT, HTTP_WINDOWING_BUFFERS, NO_OF_HTTP_SESSIONS } from './http.js';
export type { HttpServer, HttpServerCounters, HttpServerOptions } from './http.js';
export { startEcho, ECHO_PORT } from './echo.js';
export type { EchoCounters } from './echo.js';
export { startDiscard, DISCARD_PORT } from './discard.js';
export type { DiscardCounters } from './discard.js';
export {
  startChargen, chargenByte, fillChargen, CHARGEN_PORT, CHARGEN_CHARACTERS, CHARGEN_LINE_BYTES, CHARGEN_LINE_CHARS,
} from './chargen.js';
export type { ChargenCounters } from './chargen.js';
export { driveBufferedTcp, DEFAULT_SERVICE_SOCKETS } from './buffered.js';
export type { BufferedService, BufferedServiceOptions, ServiceCounters } from './buffered.js';
export { parseRequestHead } from './http-request.js';
export type { RequestParse } from './http-request.js';
export { HttpResponse, patternBody, bytesBody, errorResponse, PATTERN_MODULUS } from './http-response.js';
export type { ResponseBody } from './http-response.js';
export { renderStatusPage } from './status-page.js';
export type { SocketTableSource, StatusPageInfo } from './status-page.js';
