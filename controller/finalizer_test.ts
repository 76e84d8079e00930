import assert from "node:assert/strict";
import { ApiError } from "../rest/errors.ts";
import type { KubeObject } from "../rest/types.ts";
import { ControllerError } from "./controller_error.ts";
import { finalizer, type FinalizerClient } from "./finalizer.ts";
import { Result } from "./reconcile.ts";

const NAME = "example.com/cleanup";

function conflict(): ApiError {
  return new ApiError({
    kind: "Status",
    status: "Failure",
    code: 409,
    reason: "Conflict",
    message: "changed",
  });
}
function notFound(): ApiError {
  return new ApiError({ kind: "Status", status: "Failure", code: 404, reason: "NotFound", message: "gone" });
}

/** An in-memory object with optimistic concurrency on merge patches carrying a resourceVersion. */
class FakeClient implements FinalizerClient<KubeObject> {
  obj: KubeObject | undefined;
  patches: unknown[] = [];
  conflictsLeft = 0;
  constructor(obj: KubeObject) {
    this.obj = structuredClone(obj);
  }
  get(): Promise<KubeObject> {
    return this.obj ? Promise.resolve(structuredClone(this.obj)) : Promise.reject(notFound());
  }
  patch(
    _name: string,
    _type: "merge",
    data: { metadata: { finalizers: string[]; resourceVersion: string } },
  ) {
    this.patches.push(data);
    if (!this.obj) return Promise.reject(notFound());
    if (this.conflictsLeft > 0 || data.metadata.resourceVersion !== this.obj.metadata!.resourceVersion) {
      this.conflictsLeft--;
      this.obj.metadata!.resourceVersion = String(Number(this.obj.metadata!.resourceVersion) + 1);
      return Promise.reject(conflict());
    }
    this.obj.metadata!.finalizers = data.metadata.finalizers;
    this.obj.metadata!.resourceVersion = String(Number(this.obj.metadata!.resourceVersion) + 1);
    if (this.obj.metadata!.deletionTimestamp && this.obj.metadata!.finalizers.length === 0) {
      this.obj = undefined;
    }
    return Promise.resolve(structuredClone(this.obj ?? {}));
  }
}

const live = (): KubeObject => ({ metadata: { name: "a", resourceVersion: "1", finalizers: ["other"] } });

Deno.test("finalizer: adds the finalizer (keeping others) before the first apply, retrying a conflict", async () => {
  const client = new FakeClient(live());
  client.conflictsLeft = 1;
  const events: string[] = [];
  const result = await finalizer({ client, name: NAME, object: live() }, (e) => {
    events.push(`${e.type}:${e.object.metadata?.finalizers?.join(",")}`);
    return Result.DONE;
  });
  assert.deepEqual(result, Result.DONE);
  assert.deepEqual(events, [`apply:other,${NAME}`]);
  assert.deepEqual(client.obj?.metadata?.finalizers, ["other", NAME]);
  assert.equal(client.patches.length, 2);
});

Deno.test("finalizer: with the finalizer present, apply runs without a write", async () => {
  const obj = { metadata: { name: "a", resourceVersion: "1", finalizers: [NAME] } };
  const client = new FakeClient(obj);
  const events: string[] = [];
  await finalizer({ client, name: NAME, object: obj }, (e) => void events.push(e.type));
  assert.deepEqual(events, ["apply"]);
  assert.equal(client.patches.length, 0);
});

Deno.test("finalizer: on deletion runs cleanup, then removes only its finalizer; idempotent when already gone", async () => {
  const obj = {
    metadata: {
      name: "a",
      resourceVersion: "3",
      deletionTimestamp: "2026-01-01T00:00:00Z",
      finalizers: [NAME],
    },
  };
  const client = new FakeClient(obj);
  client.conflictsLeft = 1;
  const events: string[] = [];
  await finalizer({ client, name: NAME, object: obj }, (e) => void events.push(e.type));
  assert.deepEqual(events, ["cleanup"]);
  assert.equal(client.obj, undefined, "the finalizer was not removed");
  // Again, on the stale cached object: cleanup runs again (idempotent), the removal finds it gone.
  await finalizer({ client, name: NAME, object: obj }, (e) => void events.push(e.type));
  assert.deepEqual(events, ["cleanup", "cleanup"]);
});

Deno.test("finalizer: a failing cleanup keeps the finalizer; deleted without it does nothing", async () => {
  const obj = {
    metadata: {
      name: "a",
      resourceVersion: "3",
      deletionTimestamp: "2026-01-01T00:00:00Z",
      finalizers: [NAME],
    },
  };
  const client = new FakeClient(obj);
  await assert.rejects(
    finalizer({ client, name: NAME, object: obj }, () => {
      throw new Error("cleanup failed");
    }),
    /cleanup failed/,
  );
  assert.deepEqual(client.obj?.metadata?.finalizers, [NAME]);
  let called = false;
  const bare = { metadata: { name: "b", deletionTimestamp: "2026-01-01T00:00:00Z" } };
  assert.deepEqual(await finalizer({ client, name: NAME, object: bare }, () => void (called = true)), {});
  assert.equal(called, false);
});

Deno.test("finalizer: refuses to write once the context's signal has aborted, and rejects bad names", async () => {
  const client = new FakeClient(live());
  const ac = new AbortController();
  ac.abort(new Error("lease lost"));
  await assert.rejects(
    finalizer({ client, name: NAME, object: live(), context: { signal: ac.signal } }, () => {}),
    /lease lost/,
  );
  assert.equal(client.patches.length, 0);
  await assert.rejects(finalizer({ client, name: "Bad Name!", object: live() }, () => {}), ControllerError);
});
