import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import type { GroupVersionResource } from "../meta/group_version.ts";
import { newMetadataClient } from "../metadata/metadata_client.ts";
import type { KubeObject } from "../rest/types.ts";
import type { ListWatchClient } from "./listwatch.ts";
import { type AnyResourceClient, ResourceInformerFactory } from "./_resource_informer_factory.ts";
import { advanceUntil, FAKE_CONFIG, FakeApi, fakeClientOptions, obj, settle } from "./_fake_api_test.ts";

const SECRETS = { group: "", version: "v1", resource: "secrets" };

/** A client that records which resource and namespace were asked for; its lists and watches never run. */
function recordingClient(): { client: AnyResourceClient<KubeObject>; asked: string[] } {
  const asked: string[] = [];
  const unused: ListWatchClient<KubeObject> = {
    list: () => Promise.reject(new Error("not listed in this test")),
    watch: () => Promise.reject(new Error("not watched in this test")),
  };
  const client: AnyResourceClient<KubeObject> = {
    resource: (gvr: GroupVersionResource) => {
      asked.push(`resource ${JSON.stringify(gvr)}`);
      return { ...unused, namespace: (ns: string) => (asked.push(`namespace ${ns}`), unused) };
    },
  };
  return { client, asked };
}

Deno.test("resource informer factory: asks the client for the resource only when the informer is made", () => {
  const { client, asked } = recordingClient();
  const factory = new ResourceInformerFactory(client, 0, { clock: new FakeClock() });
  const secrets = factory.forResource({ ...SECRETS, extra: "dropped" } as GroupVersionResource);
  assert.deepEqual(asked, []);
  assert.equal(factory.forResource(SECRETS), secrets);
  secrets.informer();
  secrets.lister();
  assert.deepEqual(asked, [`resource {"group":"","version":"v1","resource":"secrets"}`]);
});

Deno.test("resource informer factory: with a namespace, each informer's client is that namespace's", () => {
  for (const [namespace, expected] of [["team", ["namespace team"]], ["", []], [undefined, []]] as const) {
    const { client, asked } = recordingClient();
    const factory = new ResourceInformerFactory(client, 0, { clock: new FakeClock(), namespace });
    factory.forResource(SECRETS).informer();
    assert.deepEqual(asked.slice(1), expected, `namespace ${namespace}`);
  }
});

Deno.test("resource informer factory: start, waitForCacheSync and shutDown run the informers (metadata client)", async () => {
  const clock = new FakeClock();
  const api = new FakeApi();
  api.set("/api/v1/namespaces/team/secrets", [obj("team", "s1", "5")]);
  const metadata = newMetadataClient(FAKE_CONFIG, fakeClientOptions(api));
  const factory = new ResourceInformerFactory(metadata, 0, { clock, namespace: "team" });
  const secrets = factory.forResource(SECRETS);
  secrets.informer();
  const controller = new AbortController();
  factory.start(controller.signal);
  assert.deepEqual(await settle(clock, factory.waitForCacheSync(controller.signal)), { "v1/secrets": true });
  await advanceUntil(clock, () => api.openWatches() === 1);
  assert.equal(api.openWatches(), 1);
  assert.equal(secrets.lister().namespace("team").get("s1").metadata.resourceVersion, "5");
  await settle(clock, factory[Symbol.asyncDispose]());
  assert.ok(secrets.informer().isStopped());
  assert.equal(api.openWatches(), 0);
  // Started after shut down: nothing runs.
  const requests = api.requests.length;
  factory.forResource({ group: "", version: "v1", resource: "configmaps" }).informer();
  factory.start(controller.signal);
  await advanceUntil(clock, () => api.requests.length > requests);
  assert.equal(api.requests.length, requests);
});
