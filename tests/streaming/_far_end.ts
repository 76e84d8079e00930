/**
 * The far end of the port-forward tests: a real TCP server on the host (the test kubelet's pods share its
 * network) that reads 10 MB per connection (the first byte names the connection), records their SHA-256
 * and answers with its own 10 MB for that name, then closes.
 *
 * @module
 */

/** A running far-end server. */
export interface FarEnd {
  port: number;
  /** SHA-256 of the bytes received, by connection name. */
  received: Map<number, string>;
  close(): void;
  serving: Promise<void>;
}

export const SIZE = 10 * 1024 * 1024;

export function randomBytes(n: number, first: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  out[0] = first;
  return out;
}

export async function sha(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The far end: reads SIZE bytes (the first names the connection), records their hash, answers with `replies[id]`. */
export function farEnd(replies: Uint8Array[]): FarEnd {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const received = new Map<number, string>();
  const serving = (async () => {
    for await (const conn of listener) {
      void (async () => {
        const buf = new Uint8Array(SIZE);
        let have = 0;
        const reading = (async () => {
          while (have < SIZE) {
            const n = await conn.read(buf.subarray(have));
            if (n === null) break;
            have += n;
          }
        })();
        // Reading and writing at once, as both sides stream 10 MB.
        const id = await (async () => {
          while (have === 0) await new Promise((r) => setTimeout(r, 5));
          return buf[0];
        })();
        const w = conn.writable.getWriter();
        await w.write(replies[id]);
        await reading;
        received.set(id, await sha(buf.subarray(0, have)));
        conn.close();
      })();
    }
  })().catch(() => {});
  return { port: listener.addr.port, received, close: () => listener.close(), serving };
}
