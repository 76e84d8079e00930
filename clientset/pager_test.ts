import assert from "node:assert/strict";
import { fakeOptions, fakeTransport, json, statusError, TEST_CONFIG } from "../rest/_fake_transport.ts";
import { newCoreV1Client } from "./core/v1/client.ts";
import type { ListOptions } from "./options.ts";
import { listItems, listPages } from "./pager.ts";
import type { KubeList } from "../rest/types.ts";
import { apiErrorFromStatus } from "../rest/errors.ts";

function names(from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => `cm-${from + i}`);
}

/** A server of 250 config maps that pages by `limit` and encodes the offset in the continue token. */
function pagingServer(expireAt?: number) {
  const all = names(0, 250);
  return fakeTransport((call) => {
    const limit = Number(call.url.searchParams.get("limit") ?? "0");
    const token = call.url.searchParams.get("continue");
    const offset = token === null ? 0 : Number(token);
    if (expireAt !== undefined && offset === expireAt) {
      return statusError(410, "Expired", "The provided continue parameter is too old");
    }
    const end = limit === 0 ? all.length : Math.min(all.length, offset + limit);
    const items = all.slice(offset, end).map((name) => ({ metadata: { name, namespace: "default" } }));
    const metadata = end < all.length
      ? { resourceVersion: "77", continue: String(end) }
      : { resourceVersion: "77" };
    return json({ kind: "ConfigMapList", apiVersion: "v1", metadata, items });
  });
}

Deno.test("listPages follows continue tokens; later pages carry the token and no resourceVersion", async () => {
  const t = pagingServer();
  const cms = newCoreV1Client(TEST_CONFIG, fakeOptions(t)).configMaps("default");
  const sizes: number[] = [];
  for await (const page of cms.listPages({ limit: 100, resourceVersion: "0", labelSelector: "a=b" })) {
    sizes.push(page.items.length);
  }
  assert.deepEqual(sizes, [100, 100, 50]);
  assert.deepEqual(t.calls.map((c) => c.url.search), [
    "?labelSelector=a%3Db&resourceVersion=0&limit=100",
    "?labelSelector=a%3Db&limit=100&continue=100",
    "?labelSelector=a%3Db&limit=100&continue=200",
  ]);
});

Deno.test("listItems yields every object exactly once, with the default page size of 500", async () => {
  const t = pagingServer();
  const cms = newCoreV1Client(TEST_CONFIG, fakeOptions(t)).configMaps("default");
  const seen: string[] = [];
  for await (const cm of cms.listItems()) seen.push(cm.metadata!.name!);
  assert.deepEqual(seen, names(0, 250));
  assert.deepEqual(t.calls.map((c) => c.url.search), ["?limit=500"]);
});

Deno.test("an expired continue token falls back to one full list; listItems skips what it already yielded", async () => {
  const t = pagingServer(200);
  const cms = newCoreV1Client(TEST_CONFIG, fakeOptions(t)).configMaps("default");
  const seen: string[] = [];
  for await (const cm of cms.listItems({ limit: 100, labelSelector: "x" })) seen.push(cm.metadata!.name!);
  assert.deepEqual(seen, names(0, 250));
  assert.deepEqual(t.calls.map((c) => c.url.search), [
    "?labelSelector=x&limit=100",
    "?labelSelector=x&limit=100&continue=100",
    "?labelSelector=x&limit=100&continue=200",
    "?labelSelector=x",
  ]);

  const pageSizes: number[] = [];
  for await (const page of cms.listPages({ limit: 100 })) pageSizes.push(page.items.length);
  assert.deepEqual(pageSizes, [100, 100, 250], "listPages yields the full list as its last page");
});

Deno.test("an expired token is an error when fullListIfExpired is false, or on the first page", async () => {
  const t = pagingServer(100);
  const cms = newCoreV1Client(TEST_CONFIG, fakeOptions(t)).configMaps("default");
  await assert.rejects(async () => {
    for await (const _ of cms.listPages({ limit: 100, fullListIfExpired: false })) { /* drain */ }
  }, (e: Error) => e.name === "ApiError" && /too old/.test(e.message));

  let calls = 0;
  const failing = (_: ListOptions): Promise<KubeList> => {
    calls++;
    return Promise.reject(
      apiErrorFromStatus({ kind: "Status", code: 410, reason: "Expired", message: "gone" }),
    );
  };
  await assert.rejects(async () => {
    for await (const _ of listPages(failing, {})) { /* drain */ }
  }, /gone/);
  assert.equal(calls, 1);
});

Deno.test("listItems keys objects by uid, so an object recreated under the same name is yielded again", async () => {
  const list = (o: ListOptions): Promise<KubeList> => {
    if (o.continue === "next") {
      return Promise.reject(
        apiErrorFromStatus({ kind: "Status", code: 410, reason: "Expired", message: "too old" }),
      );
    }
    if (o.limit === 1) {
      return Promise.resolve({
        items: [{ metadata: { name: "a", uid: "1" } }],
        metadata: { continue: "next" },
      });
    }
    return Promise.resolve({
      items: [{ metadata: { name: "a", uid: "3" } }, { metadata: { name: "b", uid: "2" } }],
    });
  };
  const seen: string[] = [];
  for await (const item of listItems(list, { limit: 1 })) {
    seen.push(`${item.metadata!.name}/${item.metadata!.uid}`);
  }
  assert.deepEqual(seen, ["a/1", "a/3", "b/2"]);
});

Deno.test("errors other than an expired token propagate from a later page", async () => {
  const list = (o: ListOptions): Promise<KubeList> =>
    o.continue
      ? Promise.reject(
        apiErrorFromStatus({ kind: "Status", code: 500, reason: "InternalError", message: "boom" }),
      )
      : Promise.resolve({ items: [{ metadata: { name: "a" } }], metadata: { continue: "next" } });
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const item of listItems(list, { limit: 1 })) seen.push(item.metadata!.name!);
  }, /boom/);
  assert.deepEqual(seen, ["a"]);
});
