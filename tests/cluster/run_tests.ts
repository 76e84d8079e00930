/**
 * `deno task test`: starts the local cluster once (building the control plane the first time), runs every
 * unit and integration test against it, and stops it — also on failure and on Ctrl-C. Logs of a failed
 * run (every process's) are kept in `.cache/cluster-logs/`.
 *
 * The optional parts (controller-manager, scheduler, test kubelet) all run unless `KUBEWEB_CLUSTER_PARTS`
 * names fewer (a comma-separated list, `all` or `none`); tests start what they need with `ensureParts`.
 *
 * Arguments are passed to `deno test` (for example a folder or file to run only those tests).
 * With `KUBEWEB_TEST_KUBECONFIG` set, no cluster is started: the tests use that one.
 *
 * @module
 */
import { LocalCluster, parseParts } from "./local_cluster.ts";

const args = Deno.args.length > 0 ? Deno.args : ["."];
const env: Record<string, string> = {};
let cluster: LocalCluster | undefined;
let control: Deno.HttpServer | undefined;
const running: { child?: Deno.ChildProcess } = {};
let exiting = false;

async function shutdown(code: number, keepLogs: boolean): Promise<never> {
  if (exiting) return await new Promise<never>(() => {}); // the first shutdown finishes the job
  exiting = true;
  try {
    running.child?.kill("SIGTERM");
  } catch { /* gone */ }
  await control?.shutdown().catch(() => {});
  if (cluster) {
    if (keepLogs) {
      const dest = `.cache/cluster-logs/${new Date().toISOString().replace(/[:.]/g, "-")}`;
      await Deno.mkdir(dest, { recursive: true });
      for (const e of Deno.readDirSync(cluster.info.dir)) {
        if (!e.isFile || !e.name.endsWith(".log")) continue;
        await Deno.copyFile(`${cluster.info.dir}/${e.name}`, `${dest}/${e.name}`).catch(() => {});
      }
      console.error(`cluster: logs kept in ${dest}`);
    }
    await cluster.stop();
    console.error("cluster: stopped");
  }
  Deno.exit(code);
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(sig, () => {
    console.error(`\ncluster: ${sig} received, stopping`);
    shutdown(130, false);
  });
}

if (!Deno.env.get("KUBEWEB_TEST_KUBECONFIG")) {
  try {
    const parts = parseParts(Deno.env.get("KUBEWEB_CLUSTER_PARTS") ?? "all");
    cluster = await LocalCluster.start({ verbose: true, parts });
  } catch (e) {
    console.error(e instanceof Error ? `${e.message}\n  cause: ${e.cause}` : e);
    await shutdown(1, false);
  }
  const c = cluster!;
  control = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const op = url.pathname;
    try {
      if (op === "/parts/start") await c.startParts(parseParts(url.searchParams.get("names") ?? ""));
      else if (op === "/apiserver/stop") await c.stopApiserver();
      else if (op === "/apiserver/start") await c.startApiserver();
      else if (op === "/etcd/compact") await c.compactEtcd();
      else return new Response(`unknown operation ${op}`, { status: 404 });
      return new Response("ok");
    } catch (e) {
      return new Response(String(e), { status: 500 });
    }
  });
  c.info.controlUrl = `http://127.0.0.1:${(control.addr as Deno.NetAddr).port}`;
  const statePath = `${c.info.dir}/cluster.json`;
  await Deno.writeTextFile(statePath, JSON.stringify(c.info, null, 2));
  env.KUBEWEB_TEST_CLUSTER = statePath;
}

const junit = `${await Deno.makeTempDir({ prefix: "kubeweb-junit-" })}/report.xml`;
const child = running.child = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", `--junit-path=${junit}`, ...args],
  env,
  stdin: "null",
  stdout: "inherit",
  stderr: "inherit",
}).spawn();
const status = await child.status;
// A plain closing line for CI: "N passed, N failed, N skipped", counted from the JUnit report.
try {
  const xml = await Deno.readTextFile(junit);
  const cases = xml.match(/<testcase\b[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g) ?? [];
  const failed = cases.filter((t) => /<failure\b/.test(t)).length;
  const skipped = cases.filter((t) => /<skipped\b/.test(t)).length;
  console.log(`\ntests: ${cases.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
} catch { /* no report: deno test failed before running tests */ }
await shutdown(status.code, status.code !== 0);
