/**
 * Compile-time check (test/io/typings.test.ts runs tsc on it): xstcp's ECMA-419 classes
 * have every member @moddable/typings declares, take the options and buffers it allows
 * (except Moddable's HostBuffer, which only its native code makes), and Listener.read()
 * gives xstcp's TCP.
 */
import type StandardTCP from 'embedded:io/socket/tcp';
import type { Options as StandardTCPOptions } from 'embedded:io/socket/tcp';
import type StandardListener from 'embedded:io/socket/listener';
import type { Buffer as StandardBuffer } from 'embedded:io/_common';
import TCP from '../../../src/io/socket/tcp.js';
import Listener from '../../../src/io/socket/listener.js';

type Assert<T extends true> = T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// Every member of the standard classes exists on ours.
export type TcpMembers = Assert<Same<Exclude<keyof StandardTCP, keyof TCP>, never>>;
export type ListenerMembers = Assert<Same<Exclude<keyof StandardListener, keyof Listener | 'close'>, never>>;
export type ListenerClose = Assert<Same<Listener['close'], () => void>>;

// write() and read(buffer) take every standard buffer but HostBuffer.
type Bytes = Exclude<StandardBuffer, HostBuffer>;
export type WriteTakes = Assert<Bytes extends Parameters<TCP['write']>[0] ? true : false>;
export type WriteTakesByte = Assert<number extends Parameters<TCP['write']>[0] ? true : false>;
export function readInto(socket: TCP, buffer: Bytes): number | undefined {
  return socket.read(buffer);
}

// The standard's options (with `address`, or `from`) construct ours; `host` is not resolved.
type OurFrom = Omit<Extract<StandardTCPOptions, { from: unknown }>, 'from' | 'onReadable' | 'onWritable' | 'onError'>;
export type OptionsFit = Assert<OurFrom extends Omit<ConstructorParameters<typeof TCP>[0], 'from' | 'onReadable' | 'onWritable' | 'onError'> ? true : false>;
export function construct(onReadable: (this: TCP, n: number) => void): TCP {
  return new TCP({ address: '198.18.0.1', port: 7, nodelay: true, format: 'number', onReadable, onWritable(n) { this.write(n & 0xff); }, onError() { this.close(); }, target: {} });
}

// Formats and the listener's socket.
export type TcpFormat = Assert<Same<TCP['format'], StandardTCP['format']>>;
export type ListenerFormat = Assert<Same<Listener['format'], StandardListener['format']>>;
export type ListenerReads = Assert<Same<ReturnType<Listener['read']>, TCP | undefined>>;
export type PortIsNumber = Assert<Same<Listener['port'], StandardListener['port']>>;
export type Remote = Assert<Same<TCP['remoteAddress'] | TCP['remotePort'], StandardTCP['remoteAddress'] | StandardTCP['remotePort']>>;
