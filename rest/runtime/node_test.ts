// The node transport runs here under Deno's Node compatibility layer (node:https); the same file is
// exercised under real Node by tests/runtimes/node_smoke_test.ts.
import assert from "node:assert/strict";
import { nodeRuntime } from "./node.ts";
import { RuntimeCapabilityError } from "./runtime.ts";
import { transportSuite } from "../../tests/runtimes/_transport_suite.ts";

transportSuite("node transport", (tls) => nodeRuntime.createTransport(tls));

Deno.test("node transport: proxy-url is a RuntimeCapabilityError naming the runtime", () => {
  assert.throws(
    () => nodeRuntime.createTransport({ proxyUrl: "http://127.0.0.1:3128" }),
    (e: unknown) =>
      e instanceof RuntimeCapabilityError && e.runtime === "node" && /proxy-url/.test(e.message),
  );
});

Deno.test("node runtime: readTextFile, env, homeDir", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.txt`, "ünï");
  assert.equal(await nodeRuntime.readTextFile!(`${dir}/a.txt`), "ünï");
  await assert.rejects(
    nodeRuntime.readTextFile!(`${dir}/nope`),
    (e: Error & { code?: string }) => e.message.includes(`${dir}/nope`) && e.code === "ENOENT",
  );
  await Deno.remove(dir, { recursive: true });
  assert.equal(nodeRuntime.env!("PATH"), Deno.env.get("PATH"));
  assert.equal(nodeRuntime.env!("KUBEWEB_SURELY_UNSET_VARIABLE"), undefined);
  assert.equal(nodeRuntime.homeDir!(), Deno.env.get("HOME"));
});

Deno.test("node runtime: readDir lists files and folders; a missing folder names its path", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.yaml`, "");
  await Deno.mkdir(`${dir}/sub`);
  const entries = await nodeRuntime.readDir!(dir);
  assert.deepEqual(entries.sort((x, y) => x.name.localeCompare(y.name)), [
    { name: "a.yaml", isDirectory: false, isFile: true },
    { name: "sub", isDirectory: true, isFile: false },
  ]);
  await assert.rejects(
    nodeRuntime.readDir!(`${dir}/missing`),
    (e: Error & { code?: string }) =>
      e.message === `Cannot list folder ${dir}/missing: no such file or directory` && e.code === "ENOENT",
  );
  await assert.rejects(nodeRuntime.readDir!(`${dir}/a.yaml`), /it is not a folder/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("node runtime: spawn passes args, env and stdin; a missing program is ENOENT", async () => {
  const r = await nodeRuntime.spawn!("sh", {
    args: ["-c", 'read line; echo "$line $KW_X"; echo err >&2; exit 4'],
    env: { KW_X: "x" },
    stdin: "in\n",
  });
  assert.deepEqual(r, { code: 4, stdout: "in x\n", stderr: "err\n" });
  await assert.rejects(
    nodeRuntime.spawn!("kubeweb-no-such-program", {}),
    (e: Error & { code?: string }) => e.code === "ENOENT" && e.message.includes("kubeweb-no-such-program"),
  );
});
