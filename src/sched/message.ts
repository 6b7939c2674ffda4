/**
 * Layout of the messages tasks exchange through their input queues: a 5-byte header, then
 * content. The offsets and pseudo-sources are µTasker's, so queued bytes are identical.
 */

/** Header bytes before the content. */
export const MESSAGE_HEADER_LENGTH = 5;

/** Node number for messages that stay on this node (µTasker's INTERNAL_ROUTE). */
export const LOCAL_ROUTE = 0;

export enum MessageField {
  DestinationNode = 0,
  SourceNode = 1,
  DestinationTask = 2,
  /** The sending task's character, or a MessageSource pseudo-source. */
  SourceTask = 3,
  /** Content length; for timer and interrupt messages, the event number instead. */
  Length = 4,
  /** First content byte (the command). */
  Command = 5,
  /** Content after the command. */
  Data = 6,
}

/** Pseudo source "tasks" in MessageField.SourceTask. */
export enum MessageSource {
  Timer = 0x00,
  Interrupt = 0x01,
  Function = 0x02,
  /** A write with this source asks for the destination queue's free space instead of writing. */
  CheckQueue = 0x03,
}

/** Writes a 5-byte header into `out` at 0 and returns the header length. */
export function writeHeader(out: Uint8Array, destination: number, source: number, lengthOrEvent: number): number {
  out[MessageField.DestinationNode] = LOCAL_ROUTE;
  out[MessageField.SourceNode] = LOCAL_ROUTE;
  out[MessageField.DestinationTask] = destination;
  out[MessageField.SourceTask] = source;
  out[MessageField.Length] = lengthOrEvent;
  return MESSAGE_HEADER_LENGTH;
}
