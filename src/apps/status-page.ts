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

// Loops rather than map() callbacks: the page is rendered from the HTTP listener, at the
// deepest point of the XS stack (README, "Moddable").

function row(cells: readonly (string | number)[], tag: 'td' | 'th'): string {
  let html = '<tr>';
  for (let i = 0; i < cells.length; i++) html += `<${tag}>${escapeHtml(String(cells[i]))}</${tag}>`;
  return `${html}</tr>`;
}

export function renderStatusPage(rows: readonly TcpSocketInfo[], info: StatusPageInfo): string {
  const title = escapeHtml(info.title);
  let page = `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body>\n<h1>${title}</h1>\n<table border="1">\n`;
  page += `${row(['socket', 'state', 'local port', 'peer', 'bytes in', 'bytes out', 'retransmissions'], 'th')}\n`;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    page += `${row([
      r.socket,
      r.stateName,
      r.localPort,
      r.peerAddress === 0 && r.peerPort === 0 ? '-' : `${formatIpv4(r.peerAddress)}:${r.peerPort}`,
      r.bytesIn,
      r.bytesOut,
      r.retransmissions,
    ], 'td')}\n`;
  }
  page += '</table>\n';
  const notes = info.notes ?? [];
  for (let i = 0; i < notes.length; i++) page += `<p>${escapeHtml(notes[i])}</p>\n`;
  return `${page}</body></html>\n`;
}
