/**
 * The black-hole scenario blackhole_test.ts runs under Bun and Node: the informer program
 * tests/runtimes/bun/blackhole_informer.ts watches a namespace through tests/cluster/blackhole_proxy.ts;
 * the proxy black-holes its connections mid-watch while this process keeps writing (directly); the
 * program must report the dead watch within its idle deadline and converge to a fresh list (and
 * kubectl's view), with no lost or phantom object and no out-of-order event.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { TestCluster } from "../cluster/harness.ts";
import { BlackholeProxy } from "../cluster/blackhole_proxy.ts";
import {
  adminClientset,
  newNamespace,
  randomConfigMapWrites,
  removeNamespace,
  versions,
} from "../cache/_informer_check.ts";
import type { KubeObject } from "../../rest/types.ts";
import { JsonLineChild } from "./_child.ts";

/** Timings of one run, in ms. */
export interface BlackholeFigures {
  watchIdleTimeoutMs: number;
  /** Black hole to the program's report of the dead watch. */
  detectMs: number;
  /** Black hole to the program's state equal to a fresh list. */
  convergeMs: number;
  objects: number;
}

const IDLE_MS = 3000;
const HEADERS_MS = 2000;

/** Runs the scenario with `command args` for `runtime`; returns its timings. */
export async function runBlackhole(
  c: TestCluster,
  runtime: string,
  command: string,
  args: string[],
): Promise<BlackholeFigures> {
  const cs = await adminClientset(c);
  const ns = await newNamespace(cs, `blackhole-${runtime}`);
  const fresh = async () => versions((await cs.coreV1().configMaps(ns).list()).items as KubeObject[]);
  const ticking = new AbortController();
  let ticker: Promise<void> = Promise.resolve();
  try {
    await randomConfigMapWrites(cs, ns, { seed: 51, ops: 40 });
    await using proxy = await BlackholeProxy.forServer(c.server);
    await using child = new JsonLineChild(command, args, {
      KUBECONFIG: c.kubeconfigPath,
      KUBEWEB_BH_SERVER: proxy.url,
      KUBEWEB_BH_NAMESPACE: ns,
      KUBEWEB_BH_IDLE_MS: String(IDLE_MS),
      KUBEWEB_BH_HEADERS_MS: String(HEADERS_MS),
    });
    const synced = await child.step("synced", 20_000);
    assert.equal(synced.runtime, runtime, "detectRuntime() picked the wrong runtime");
    const matches = (want: string) => (l: Record<string, unknown>) =>
      l.step === "state" && JSON.stringify(l.store) === want && JSON.stringify(l.view) === want;
    await child.line(matches(JSON.stringify(await fresh())), "a state equal to a fresh list", 20_000);
    // From now on a healthy watch is never idle for long: a ConfigMap changes every 300 ms (directly).
    ticker = (async () => {
      const tick = cs.coreV1().configMaps(ns);
      await tick.create({ metadata: { name: "tick" }, data: { n: "0" } });
      for (let n = 1; !ticking.signal.aborted; n++) {
        await tick.patch("tick", "merge", { data: { n: String(n) } }).catch(() => {});
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    await child.line(
      (l) => l.step === "state" && JSON.stringify(l.store).includes(`"${ns}/tick"`),
      "tick",
      10_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const early = await child.line((l) => l.step === "watchError", "an error", 1).catch(() => undefined);
    assert.equal(early, undefined, `no error on a healthy watch: ${JSON.stringify(early)}`);

    const t0 = Date.now();
    const holed = proxy.blackholeAll();
    assert.ok(holed >= 1, "the program's connection is carried by the proxy");
    const writes = await randomConfigMapWrites(cs, ns, { seed: 52, ops: 60 });
    assert.equal(writes.errors.length, 0);
    const dead = await child.line(
      (l) => l.step === "watchError" && (l.at as number) >= t0,
      "the dead watch reported",
      20_000,
    );
    assert.equal(dead.kind, "watch-idle", JSON.stringify(dead));
    const detectMs = (dead.at as number) - t0;
    assert.ok(detectMs >= IDLE_MS - 500 && detectMs < IDLE_MS + 3000, `noticed after ${detectMs} ms`);

    ticking.abort();
    await ticker;
    const want = JSON.stringify(await fresh());
    const converged = await child.line(
      matches(want),
      "a state equal to a fresh list after the black hole",
      30_000,
    );
    const convergeMs = (converged.at as number) - t0;
    assert.deepEqual(converged.violations, [], "no phantom or out-of-order event");

    // kubectl, the independent witness.
    const k = await c.kubectl(["get", "configmaps", "-n", ns, "-o", "json"]);
    assert.equal(k.code, 0, k.stderr);
    assert.equal(JSON.stringify(versions(JSON.parse(k.stdout).items)), want);
    return {
      watchIdleTimeoutMs: IDLE_MS,
      detectMs,
      convergeMs,
      objects: (converged.store as unknown[]).length,
    };
  } finally {
    ticking.abort();
    await ticker.catch(() => {});
    await removeNamespace(cs, ns);
  }
}
