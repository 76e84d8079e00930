// Integration test (needs the real cluster): an event broadcaster whose connection to the API server
// goes half-open. Its sink writes through tests/cluster/blackhole_proxy.ts, which black-holes every
// connection it carries while new ones pass. The write over the dead connection must time out (the
// sink's timeoutMs), the connection be dropped, and the broadcaster write every event over a new one:
// each event reaches the server exactly once (checked with a direct list and kubectl).
import assert from "node:assert/strict";
import { getTestCluster } from "../cluster/harness.ts";
import { BlackholeProxy } from "../cluster/blackhole_proxy.ts";
import { newClientset } from "../../clientset/clientset.ts";
import { newEventBroadcaster, newEventSink } from "../../record/mod.ts";
import { loadRestConfig } from "../../rest/load_rest_config.ts";

const c = await getTestCluster();

const WRITE_TIMEOUT_MS = 1_000;

Deno.test({
  name:
    "black hole: the event sink notices its dead connection at the write timeout and writes every event once",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const config = { ...await loadRestConfig({ kubeconfig: c.kubeconfigPath }), qps: -1 };
    const direct = newClientset(config);
    await using proxy = await BlackholeProxy.forServer(c.server);
    const proxied = newClientset({ ...config, host: proxy.url }, { responseHeaderTimeoutMs: 2_000 });
    const name = `blackhole-ev-${crypto.randomUUID().slice(0, 8)}`;
    const cm = await direct.coreV1().configMaps("default").create({ metadata: { name } });
    const subject = { ...cm, apiVersion: "v1", kind: "ConfigMap" };
    const errors: { at: number; message: string }[] = [];
    const broadcaster = newEventBroadcaster({
      sleepDurationMs: 300,
      logger: { error: (m, e) => void errors.push({ at: Date.now(), message: `${m}: ${e}` }) },
    });
    broadcaster.startRecordingToSink(newEventSink(proxied.coreV1(), { timeoutMs: WRITE_TIMEOUT_MS }));
    const recorder = broadcaster.newRecorder({ component: "kubeweb-blackhole", host: "test" });
    const events = async () =>
      (await direct.coreV1().events("default").list({ fieldSelector: `involvedObject.name=${name}` })).items;
    const waitFor = async (pred: () => boolean | Promise<boolean>, ms: number, what: string) => {
      const end = Date.now() + ms;
      while (!(await pred())) {
        if (Date.now() > end) throw new Error(`${what} within ${ms} ms; errors: ${JSON.stringify(errors)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      recorder.event(subject, "Normal", "Before", "written before the black hole");
      await waitFor(async () => (await events()).length === 1, 10_000, "the first event");
      const acceptedBefore = proxy.accepted;

      const t0 = Date.now();
      const holed = proxy.blackholeAll();
      assert.ok(holed >= 1, "the sink's connection is carried by the proxy");
      const reasons = ["During1", "During2", "During3", "During4", "During5"];
      for (const r of reasons) recorder.event(subject, "Warning", r, `written after the black hole: ${r}`);
      await waitFor(async () => (await events()).length === 1 + reasons.length, 15_000, "every event");
      const deliveredMs = Date.now() - t0;
      assert.ok(errors.length >= 1, "the dead write was noticed and logged");
      const detectMs = errors[0].at - t0;
      assert.ok(detectMs >= WRITE_TIMEOUT_MS - 200 && detectMs <= WRITE_TIMEOUT_MS + 1_500, `${detectMs} ms`);
      assert.ok(proxy.accepted > acceptedBefore, "a new connection was made");

      const written = await events();
      assert.deepEqual(written.map((e) => e.reason).sort(), ["Before", ...reasons].sort(), "each once");
      assert.ok(written.every((e) => e.count === 1), "no event written twice");
      // kubectl, the independent witness.
      const k = await c.kubectl([
        "get",
        "events",
        "-n",
        "default",
        "--field-selector",
        `involvedObject.name=${name}`,
        "-o",
        "json",
      ]);
      assert.equal(k.code, 0, k.stderr);
      assert.equal(JSON.parse(k.stdout).items.length, 1 + reasons.length);
      console.log(
        `black hole (deno event sink): ${
          JSON.stringify({
            timeoutMs: WRITE_TIMEOUT_MS,
            detectMs,
            deliveredMs,
            logged: errors.length,
            firstError: errors[0].message.slice(0, 120),
          })
        }`,
      );
    } finally {
      await broadcaster.shutdown();
      await direct.coreV1().configMaps("default").delete(name).catch(() => {});
    }
  },
});
