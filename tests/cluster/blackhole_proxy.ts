/**
 * A TCP proxy for fault injection: it carries connections to a target (the API server; TLS passes
 * through untouched, so the server certificate, issued for 127.0.0.1, still verifies) and can
 * black-hole the connections it carries: they stay open, but nothing is forwarded in either
 * direction, as when a NAT or a load balancer forgets a connection without telling either end. New
 * connections pass.
 *
 * ```ts ignore
 * await using proxy = await BlackholeProxy.start({ hostname: "127.0.0.1", port: 6443 });
 * const config = { ...admin, host: proxy.url };
 * proxy.blackholeAll();
 * ```
 *
 * @module
 */

interface Pair {
  id: number;
  client: Deno.TcpConn;
  upstream: Deno.TcpConn | undefined;
  blackholed: boolean;
  /** Bytes forwarded client -> server and server -> client. */
  up: number;
  down: number;
}

/** A black-hole TCP proxy on 127.0.0.1 (see the module doc). */
export class BlackholeProxy implements AsyncDisposable {
  readonly #listener: Deno.TcpListener;
  readonly #target: { hostname: string; port: number };
  readonly #pairs = new Set<Pair>();
  #nextId = 0;
  #closed = false;
  readonly #accepting: Promise<void>;
  /** Connections accepted so far. */
  accepted = 0;

  private constructor(listener: Deno.TcpListener, target: { hostname: string; port: number }) {
    this.#listener = listener;
    this.#target = target;
    this.#accepting = this.#accept();
  }

  /** Starts the proxy on a free loopback port, forwarding to `target`. */
  static start(target: { hostname: string; port: number }): Promise<BlackholeProxy> {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    return Promise.resolve(new BlackholeProxy(listener, target));
  }

  /** Starts a proxy in front of the server of `serverUrl` (`https://127.0.0.1:PORT`). */
  static forServer(serverUrl: string): Promise<BlackholeProxy> {
    const u = new URL(serverUrl);
    return BlackholeProxy.start({ hostname: u.hostname, port: Number(u.port || 443) });
  }

  /** The proxy's port. */
  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  /** `https://127.0.0.1:<port>`: the server URL to give clients. */
  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** Connections open now (black-holed ones included). */
  get open(): number {
    return this.#pairs.size;
  }

  /** Connections open and forwarding now. */
  get live(): number {
    return [...this.#pairs].filter((p) => !p.blackholed).length;
  }

  /**
   * Black-holes every connection open now: they stay open and everything either end sends is
   * dropped. Connections made afterwards pass. Returns how many were black-holed.
   */
  blackholeAll(): number {
    let n = 0;
    for (const p of this.#pairs) {
      if (!p.blackholed) n++;
      p.blackholed = true;
    }
    return n;
  }

  async #accept(): Promise<void> {
    for (;;) {
      let client: Deno.TcpConn;
      try {
        client = await this.#listener.accept();
      } catch {
        return; // closed
      }
      this.accepted++;
      void this.#carry(client);
    }
  }

  async #carry(client: Deno.TcpConn): Promise<void> {
    const pair: Pair = { id: this.#nextId++, client, upstream: undefined, blackholed: false, up: 0, down: 0 };
    this.#pairs.add(pair);
    try {
      pair.upstream = await Deno.connect(this.#target);
    } catch {
      this.#drop(pair);
      return;
    }
    if (this.#closed) {
      this.#drop(pair);
      return;
    }
    await Promise.allSettled([
      this.#pump(pair, client, pair.upstream, "up"),
      this.#pump(pair, pair.upstream, client, "down"),
    ]);
    this.#drop(pair);
  }

  /** Copies `from` to `to` until either ends; a black-holed pair reads and drops. */
  async #pump(pair: Pair, from: Deno.Conn, to: Deno.Conn, dir: "up" | "down"): Promise<void> {
    const buf = new Uint8Array(64 * 1024);
    for (;;) {
      let n: number | null;
      try {
        n = await from.read(buf);
      } catch {
        n = null;
      }
      if (n === null) {
        // A black-holed connection does not pass the end on either: it just stays open.
        if (!pair.blackholed) this.#drop(pair);
        return;
      }
      if (pair.blackholed) continue;
      try {
        let off = 0;
        while (off < n) off += await to.write(buf.subarray(off, n));
        pair[dir] += n;
      } catch {
        this.#drop(pair);
        return;
      }
    }
  }

  #drop(pair: Pair): void {
    if (!this.#pairs.delete(pair)) return;
    for (const c of [pair.client, pair.upstream]) {
      try {
        c?.close();
      } catch { /* already closed */ }
    }
  }

  /** Closes every connection and the listener. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener.close();
    } catch { /* already closed */ }
    for (const p of [...this.#pairs]) this.#drop(p);
    await this.#accepting;
  }

  /** Same as {@linkcode BlackholeProxy.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
