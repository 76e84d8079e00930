/**
 * Decoding of watch streams: the bytes of a watch response body to {@linkcode WatchEvent}s, with web
 * streams only.
 *
 * The wire format is a sequence of JSON objects `{"type": T, "object": {...}}`. The API server writes
 * one per line, but the format does not need the newline, so frames are found by tracking brace depth
 * and string state across chunks where needed. The common case (a frame ends on a newline) is decoded
 * without looking at every character: the line is handed to `JSON.parse`, which checks it. Each chunk
 * is decoded from UTF-8 once, every character is scanned at most once and every frame is parsed at
 * most twice, so a frame of tens of megabytes costs linear time.
 *
 * @module
 */
import { WatchEventIterator } from "./_watch_event_reader.ts";
import type { KubeObject, WatchEvent } from "./types.ts";

/** Options of {@linkcode decodeWatchStream}. */
export interface WatchDecodeOptions {
  /** Aborting cancels the body stream at once; pending and later `next()` calls reject with the reason. */
  signal?: AbortSignal;
  /**
   * The largest frame (one event's JSON) accepted, in bytes of UTF-8; default
   * {@linkcode DEFAULT_MAX_WATCH_FRAME_BYTES} (16 MiB, as client-go's stream decoder). A frame that
   * grows past it ends the iteration with a {@linkcode WatchDecodeError} and cancels the body, so the
   * memory a watch holds stays bounded.
   */
  maxFrameBytes?: number;
}

/** The default limit on one watch frame: 16 MiB, as client-go's streaming decoder. */
export const DEFAULT_MAX_WATCH_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * Decodes a watch response body into its events. ADDED, MODIFIED, DELETED, BOOKMARK and ERROR events
 * are yielded (an ERROR's object is a {@linkcode Status}: turn it into an error with
 * `apiErrorFromStatus`). Any other type, a frame that is not JSON, or a stream that ends inside a
 * frame ends the iteration with a {@linkcode WatchDecodeError}, after every good event before it; so
 * does a frame longer than `maxFrameBytes` (16 MiB by default), which keeps the memory bounded.
 * Leaving the loop early (`return()`) or aborting the signal cancels the body at once.
 *
 * @example
 * ```ts
 * import { decodeWatchStream } from "@kubeweb/client/rest";
 *
 * const body = new Blob([
 *   '{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"1"}}}\n',
 *   '{"type":"DELETED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"2"}}}\n',
 * ]).stream();
 * for await (const event of decodeWatchStream(body)) {
 *   console.log(event.type, event.object.metadata?.resourceVersion);
 * }
 * ```
 */
export function decodeWatchStream<T = KubeObject>(
  body: ReadableStream<Uint8Array>,
  options: WatchDecodeOptions = {},
): AsyncIterableIterator<WatchEvent<T>> {
  const max = options.maxFrameBytes ?? DEFAULT_MAX_WATCH_FRAME_BYTES;
  if (!(max >= 1)) throw new RangeError(`maxFrameBytes must be a positive number of bytes, not ${max}`);
  return new WatchEventIterator<T>(body, { signal: options.signal, maxFrameBytes: max });
}
