import assert from "node:assert/strict";
import type { KubeList, KubeObject, ListOptions, WatchEvent } from "../rest/types.ts";
import {
  listWatchFromClient,
  type ListWatchRequest,
  type ListWatchRestClient,
  newListWatchFromRestClient,
} from "./listwatch.ts";

function emptyWatch(): AsyncIterable<WatchEvent<KubeObject>> & { stop(): void } {
  return {
    stop() {},
    async *[Symbol.asyncIterator]() {},
  };
}

Deno.test("listWatchFromClient: passes options, selectors, tweaks and the signal", async () => {
  const calls: [string, ListOptions & { signal?: AbortSignal }][] = [];
  const client = {
    list(opts: ListOptions & { signal?: AbortSignal }): Promise<KubeList<KubeObject>> {
      calls.push(["list", opts]);
      return Promise.resolve({ metadata: { resourceVersion: "5" }, items: [] });
    },
    watch(opts: ListOptions & { signal?: AbortSignal }) {
      calls.push(["watch", opts]);
      return Promise.resolve(emptyWatch());
    },
  };
  const lw = listWatchFromClient(client, {
    labelSelector: "app=web",
    fieldSelector: "metadata.name=x",
    tweakListOptions: (o) => {
      o.limit = o.limit ? o.limit * 2 : undefined;
    },
  });
  const signal = new AbortController().signal;
  const original: ListOptions = { resourceVersion: "0", limit: 500 };
  assert.equal((await lw.list(original, signal)).metadata?.resourceVersion, "5");
  await lw.watch({ resourceVersion: "5", allowWatchBookmarks: true, timeoutSeconds: 400 }, signal);
  assert.deepEqual(original, { resourceVersion: "0", limit: 500 }, "the caller's options are not changed");
  assert.deepEqual(calls, [
    ["list", {
      resourceVersion: "0",
      limit: 1000,
      labelSelector: "app=web",
      fieldSelector: "metadata.name=x",
      signal,
    }],
    [
      "watch",
      {
        resourceVersion: "5",
        allowWatchBookmarks: true,
        timeoutSeconds: 400,
        limit: undefined,
        labelSelector: "app=web",
        fieldSelector: "metadata.name=x",
        signal,
      },
    ],
  ]);
});

Deno.test("newListWatchFromRestClient: GET on resource and namespace with params and signal", async () => {
  const log: string[] = [];
  class FakeRequest implements ListWatchRequest {
    namespace(ns?: string): this {
      log.push(`namespace(${ns ?? ""})`);
      return this;
    }
    resource(r: string): this {
      log.push(`resource(${r})`);
      return this;
    }
    params(o: object | undefined): this {
      log.push(`params(${JSON.stringify(o)})`);
      return this;
    }
    signal(s: AbortSignal | undefined): this {
      log.push(`signal(${s instanceof AbortSignal})`);
      return this;
    }
    into<R>(): Promise<R> {
      log.push("into");
      return Promise.resolve({ items: [{ metadata: { name: "a" } }] } as R);
    }
    watch<R>(): Promise<AsyncIterable<WatchEvent<R>> & { stop(): void }> {
      log.push("watch");
      return Promise.resolve(emptyWatch() as unknown as AsyncIterable<WatchEvent<R>> & { stop(): void });
    }
  }
  const client: ListWatchRestClient = { get: () => new FakeRequest() };
  const lw = newListWatchFromRestClient<KubeObject>(client, {
    resource: "pods",
    namespace: "default",
    fieldSelector: "spec.nodeName=n1",
  });
  const signal = new AbortController().signal;
  const list = await lw.list({ resourceVersion: "0", limit: 500 }, signal);
  assert.equal(list.items[0].metadata?.name, "a");
  await lw.watch({ resourceVersion: "7", allowWatchBookmarks: true }, signal);
  assert.deepEqual(log, [
    "namespace(default)",
    "resource(pods)",
    'params({"resourceVersion":"0","limit":500,"fieldSelector":"spec.nodeName=n1"})',
    "signal(true)",
    "into",
    "namespace(default)",
    "resource(pods)",
    'params({"resourceVersion":"7","allowWatchBookmarks":true,"fieldSelector":"spec.nodeName=n1"})',
    "signal(true)",
    "watch",
  ]);
});
