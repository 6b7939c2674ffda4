/**
 * The HTML page the HTTP server returns for `/`: the board's socket table at the moment
 * of the request (socket, state as µTasker names it, local port, peer, byte counters).
 */
import type { TcpSocketInfo } from '../api/tcp.js';
import { escapeHtml, formatIpv4 } from './text.js';

/** Where the page gets its data: `stack.tcp` provides all of it. */
export interface SocketTableSource {
  socketTable(): readonly TcpSocketInfo[];
  /** The peer's MSS for a socket (bounds a simple-TCP block); 0 if unknown. */
  peerMss?(socket: number): number;
  /** The peer's advertised receive window for a socket. */
  peerWindow?(socket: number): number;
}

export interface StatusPageInfo {
  title: string;
  /** Extra lines under the table, e.g. the server's own counters. */
  notes?: readonly string[];
}

function row(cells: readonly (string | number)[], tag: 'td' | 'th'): string {
  return `<tr>${cells.map((c) => `<${tag}>${escapeHtml(String(c))}</${tag}>`).join('')}</tr>`;
}

export function renderStatusPage(rows: readonly TcpSocketInfo[], info: StatusPageInfo): string {
  const header = row(['socket', 'state', 'local port', 'peer', 'bytes in', 'bytes out', 'retransmissions'], 'th');
  const body = rows.map((r) => row([
    r.socket,
    r.stateName,
    r.localPort,
    r.peerAddress === 0 && r.peerPort === 0 ? '-' : `${formatIpv4(r.peerAddress)}:${r.peerPort}`,
    r.bytesIn,
    r.bytesOut,
    r.retransmissions,
  ], 'td'));
  const title = escapeHtml(info.title);
  const notes = (info.notes ?? []).map((n) => `<p>${escapeHtml(n)}</p>`);
  return [
    '<!DOCTYPE html>',
    `<html><head><title>${title}</title></head><body>`,
    `<h1>${title}</h1>`,
    '<table border="1">',
    header,
    ...body,
    '</table>',
    ...notes,
    '</body></html>',
    '',
  ].join('\n');
}
