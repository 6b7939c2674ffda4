/**
 * Types of the Ethernet host module (targets/common/ethernet.js, host functions in
 * ethernet_xs.c). Imported as "xstcp/ethernet".
 */
export interface EthernetOptions {
  /** What the driver opens: a TAP device name on Linux; ignored where there is one MAC. */
  device?: string;
  /** 6 bytes to use as our address; default: the device's own (none for TAP). */
  mac?: ArrayBuffer | Uint8Array;
  /** Receive slots of XSTCP_ETH_MAX_FRAME bytes (default 32). */
  queue?: number;
  /** On the VM thread when the receive queue stops being empty; read until read() gives 0. */
  onReadable?: (this: Ethernet, waiting: number) => void;
  /** Once, with the reason, when the device failed; the Ethernet is closed by then. */
  onError?: (this: Ethernet, message: string) => void;
}

export interface EthernetStats {
  rxFrames: number;
  rxDropped: number;
  rxPending: number;
  txFrames: number;
  txRefused: number;
}

export default class Ethernet {
  constructor(options: EthernetOptions);
  /** Sends one frame (no FCS); false when refused. */
  write(bytes: ArrayBuffer | ArrayBufferView): boolean;
  /** Copies the oldest frame into `buffer`: its length, 0 when none waits. */
  read(buffer: ArrayBuffer | Uint8Array): number;
  /** The oldest frame, or undefined when none waits. */
  read(): ArrayBuffer | undefined;
  /** Closes the device (idempotent); frames already queued can still be read. */
  close(): void;
  readonly macAddress: ArrayBuffer | undefined;
  readonly linkUp: boolean;
  readonly stats: EthernetStats;
}
