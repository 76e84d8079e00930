import assert from "node:assert/strict";
import { MetricsRegistry } from "./metrics.ts";
import { newLogger } from "./logger.ts";
import type { LogRecord } from "./logger.ts";
import { requestFromKey, requestKey, Result } from "./reconcile.ts";

Deno.test("metrics render in the Prometheus text format", async () => {
  const m = new MetricsRegistry();
  m.counter("controller_runtime_reconcile_total", "Total", { controller: "c", result: "success" });
  m.counter("controller_runtime_reconcile_total", "Total", { controller: "c", result: "success" });
  m.observe("controller_runtime_reconcile_time_seconds", "Time", { controller: "c" }, 0.02, [0.01, 0.1]);
  m.gauge("workqueue_depth", "Depth", { name: 'q"1' }, 3);
  const text = await m.handler(new Request("http://x/metrics")).text();
  assert.equal(
    text,
    [
      "# HELP controller_runtime_reconcile_time_seconds Time",
      "# TYPE controller_runtime_reconcile_time_seconds histogram",
      'controller_runtime_reconcile_time_seconds_bucket{controller="c",le="0.01"} 0',
      'controller_runtime_reconcile_time_seconds_bucket{controller="c",le="0.1"} 1',
      'controller_runtime_reconcile_time_seconds_bucket{controller="c",le="+Inf"} 1',
      'controller_runtime_reconcile_time_seconds_sum{controller="c"} 0.02',
      'controller_runtime_reconcile_time_seconds_count{controller="c"} 1',
      "# HELP controller_runtime_reconcile_total Total",
      "# TYPE controller_runtime_reconcile_total counter",
      'controller_runtime_reconcile_total{controller="c",result="success"} 2',
      "# HELP workqueue_depth Depth",
      "# TYPE workqueue_depth gauge",
      'workqueue_depth{name="q\\"1"} 3',
      "",
    ].join("\n"),
  );
  assert.equal(m.handler(new Request("http://x/metrics", { method: "POST" })).status, 405);
  assert.throws(() => m.counter("bad name", "x"), TypeError);
  assert.throws(() => m.gauge("controller_runtime_reconcile_total", "x", {}, 1), /is a counter/);
});

Deno.test("instrumentTransport counts rest_client_requests_total by code, method and host", async () => {
  const m = new MetricsRegistry();
  const t = m.instrumentTransport({
    runtime: "test",
    fetch: (input) =>
      String(input).includes("fail")
        ? Promise.reject(new TypeError("refused"))
        : Promise.resolve(new Response("", { status: 404 })),
    close() {},
  });
  await t.fetch("https://k8s:6443/api/v1/pods", { method: "get" });
  await assert.rejects(t.fetch("https://k8s:6443/fail"));
  assert.equal(m.value("rest_client_requests_total", { code: "404", method: "GET", host: "k8s:6443" }), 1);
  assert.equal(
    m.value("rest_client_requests_total", { code: "<error>", method: "GET", host: "k8s:6443" }),
    1,
  );
});

Deno.test("logger records carry their fields and only an error's message", () => {
  const records: LogRecord[] = [];
  const log = newLogger((r) => records.push(r)).with({ controller: "c" }).with({
    key: "ns/a",
    reconcileID: "id-1",
  });
  log.error("Failed", Object.assign(new Error("boom"), { token: "secret" }), { attempt: 2 });
  assert.equal(records[0].controller, "c");
  assert.equal(records[0].key, "ns/a");
  assert.equal(records[0].reconcileID, "id-1");
  assert.equal(records[0].error, "Error: boom");
  assert.equal(records[0].attempt, 2);
  assert.doesNotMatch(JSON.stringify(records[0]), /secret/);
  newLogger(() => {
    throw new Error("sink down");
  }).info("survives");
});

Deno.test("results and request keys", () => {
  assert.deepEqual(Result.requeueAfter(5), { requeueAfterMs: 5 });
  assert.throws(() => Result.requeueAfter(-1), RangeError);
  assert.throws(() => Result.requeueAfter(NaN), RangeError);
  assert.equal(requestKey({ namespace: "", name: "node-1" }), "node-1");
  assert.deepEqual(requestFromKey("ns/a"), { namespace: "ns", name: "a" });
  assert.deepEqual(requestFromKey("a"), { namespace: "", name: "a" });
});
