/**
 * A recorded watch stream replayed from a local HTTP server (loopback, no TLS), for the rows that
 * measure the client and not the API server: watch decoding over HTTP, and the event rate an
 * informer with a handler sustains. The stream is recorded once from the real server: a watch from
 * resourceVersion 0 of the data set's namespace, whose initial ADDED events are every ConfigMap.
 *
 * @module
 */
import { restClientFor } from "../rest/rest_client.ts";
import { newClientset } from "../clientset/clientset.ts";
import { listWatchFromClient } from "../cache/listwatch.ts";
import { newSharedIndexInformer } from "../cache/shared_informer.ts";
import { metaNamespaceIndexFunc, NAMESPACE_INDEX } from "../cache/index.ts";
import type { KubeObject } from "../rest/types.ts";
import type { BenchTarget } from "./_target.ts";

/** Records `count` watch events (one JSON frame per line, as the server wrote them). */
export async function recordWatchStream(t: BenchTarget): Promise<{ bytes: Uint8Array; events: number }> {
  const client = Deno.createHttpClient({ caCerts: [t.caPem], cert: t.certPem, key: t.keyPem });
  const res = await fetch(
    `${t.server}/api/v1/namespaces/${t.namespace}/configmaps?watch=true&resourceVersion=0&timeoutSeconds=60`,
    { client },
  );
  if (!res.ok || !res.body) throw new Error(`recording the watch failed: ${res.status}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  let lines = 0;
  const reader = res.body.getReader();
  while (lines < t.count) {
    const r = await reader.read();
    if (r.done) break;
    chunks.push(r.value);
    size += r.value.length;
    for (const b of r.value) if (b === 10) lines++;
  }
  await reader.cancel();
  client.close();
  const all = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  // Cut after the count-th newline.
  let n = 0;
  let end = 0;
  for (; end < all.length && n < t.count; end++) if (all[end] === 10) n++;
  return { bytes: all.subarray(0, end), events: n };
}

/** A loopback server: lists are empty (resourceVersion 1); watches replay the recording, in 16 KB writes. */
export function replayServer(recording: Uint8Array): { url: string; close(): Promise<void> } {
  const ac = new AbortController();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", signal: ac.signal, onListen() {} }, (req) => {
    const url = new URL(req.url);
    if (url.searchParams.get("watch") !== "true") {
      return Response.json({
        kind: "ConfigMapList",
        apiVersion: "v1",
        metadata: { resourceVersion: "1" },
        items: [],
      });
    }
    let off = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (off >= recording.length) {
          c.close();
          return;
        }
        c.enqueue(recording.slice(off, off + 16384));
        off += 16384;
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    close: async () => {
      ac.abort();
      await server.finished;
    },
  };
}

/** One run of a contestant: resolves with the number of events it saw. */
export type ReplayRunner = () => Promise<number>;

/**
 * Watch decoding over loopback HTTP: naive fetch + split + JSON.parse (the bound), the ceiling (the
 * least work a reader can do), kubeweb's watch, client-node's Watch.
 */
export async function decodeContestants(url: string, events: number): Promise<Record<string, ReplayRunner>> {
  const path = "/api/v1/namespaces/ns/configmaps";
  const naive: ReplayRunner = async () => {
    const res = await fetch(`${url}${path}?watch=true`);
    const decoder = new TextDecoder();
    let rest = "";
    let n = 0;
    for await (const chunk of res.body!) {
      const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
      rest = lines.pop()!;
      for (const line of lines) if (line !== "" && JSON.parse(line).object) n++;
    }
    return n;
  };
  // The least a reader of this stream can do with web APIs, found by measuring (a default reader, a
  // smaller buffer, parsing lines in batches and flat strings all measured slower): read into one reused
  // buffer with a BYOB reader, decode each chunk once, cut it at newlines and JSON.parse each line. No
  // checks, no limits, no abort: no client can do less per event, so its ratio to the bound is the
  // most any client can reach here.
  const ceiling: ReplayRunner = async () => {
    const res = await fetch(`${url}${path}?watch=true`);
    const reader = res.body!.getReader({ mode: "byob" });
    let buffer = new Uint8Array(64 * 1024);
    const decoder = new TextDecoder();
    let rest = "";
    let n = 0;
    for (;;) {
      const r = await reader.read(buffer);
      if (r.done) break;
      buffer = new Uint8Array(r.value.buffer);
      const text = rest + decoder.decode(r.value, { stream: true });
      let i = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", i)) {
        if (JSON.parse(text.slice(i, nl)).object) n++;
        i = nl + 1;
      }
      rest = text.slice(i);
    }
    return n;
  };
  const rest = restClientFor({ host: url, namespace: "default", qps: -1 }, {
    apiPath: "/api",
    groupVersion: "v1",
  });
  const kubeweb: ReplayRunner = async () => {
    let n = 0;
    const w = await rest.get().namespace("ns").resource("configmaps").watch<KubeObject>();
    for await (const e of w) if (e.object) n++;
    return n;
  };
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: url, skipTLSVerify: true }],
    users: [{ name: "u" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  const watch = new k8s.Watch(kc);
  const clientNode: ReplayRunner = () =>
    new Promise((resolve, reject) => {
      let n = 0;
      watch.watch(path, {}, (_type, obj) => {
        if (obj) n++;
      }, (err) => err ? reject(err) : resolve(n)).catch(reject);
    });
  for (const run of [naive, ceiling, kubeweb, clientNode]) {
    const n = await run();
    if (n !== events) throw new Error(`watch replay: a contestant saw ${n} of ${events} events`);
  }
  return { bound: naive, ceiling, kubeweb, "client-node": clientNode };
}

/** Informers with one handler fed by the replayed watch: resolves once the handler saw every event. */
export async function informerContestants(
  url: string,
  events: number,
): Promise<Record<string, ReplayRunner>> {
  const cs = newClientset({ host: url, namespace: "default", qps: -1 });
  const kubeweb: ReplayRunner = async () => {
    const informer = newSharedIndexInformer<KubeObject>(listWatchFromClient(cs.coreV1().configMaps("ns")), {
      indexers: { [NAMESPACE_INDEX]: metaNamespaceIndexFunc },
      logger: { warn() {} },
    });
    let n = 0;
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    informer.addEventHandler({
      onAdd: () => void (++n === events && done()),
      onUpdate: () => void (++n === events && done()),
    });
    const ac = new AbortController();
    const running = informer.run(ac.signal);
    await all;
    ac.abort();
    await running;
    return n;
  };
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: url, skipTLSVerify: true }],
    users: [{ name: "u" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  const clientNode: ReplayRunner = async () => {
    const informer = k8s.makeInformer(
      kc,
      "/api/v1/namespaces/ns/configmaps",
      () =>
        Promise.resolve({
          apiVersion: "v1",
          kind: "ConfigMapList",
          metadata: { resourceVersion: "1" },
          items: [],
        }),
    );
    let n = 0;
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    const count = () => void (++n === events && done());
    informer.on("add", count);
    informer.on("update", count);
    informer.on("error", () => {});
    await informer.start();
    await all;
    await informer.stop();
    return n;
  };
  return { kubeweb, "client-node": clientNode };
}
