import assert from "node:assert/strict";

// Module state (whether the YAML parser is loaded) is per process: the check runs in a fresh one.
Deno.test("the YAML parser loads only when a kubeconfig is parsed; parseKubeConfig before it is a clear ConfigError", async () => {
  const program = `
    import * as rest from "${new URL("./mod.ts", import.meta.url).href}";
    const out = [];
    try {
      rest.parseKubeConfig("clusters: []\\n");
      out.push("parsed without the parser");
    } catch (e) {
      out.push(e.name, /loadYamlParser/.test(e.message));
    }
    const json = rest.parseKubeConfig('{"clusters": [{"name": "j", "cluster": {"server": "https://j:6443"}}]}');
    out.push(Object.keys(json.clusters).join());
    const kc = await rest.loadKubeConfig({ text: "clusters: [{name: a, cluster: {server: 'https://a:6443'}}]\\n" });
    out.push(Object.keys(kc.clusters).join());
    out.push(Object.keys(rest.parseKubeConfig("users: [{name: u, user: {token: t}}]\\n").users).join());
    console.log(JSON.stringify(out));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", program],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, stderr);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), ["ConfigError", true, "j", "a", "u"]);
});

Deno.test("without --allow-env, YAML parsing fails with a ConfigError naming the variables the YAML library reads", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const program = `${dir}/program.ts`;
    await Deno.writeTextFile(
      program,
      `import * as rest from "${new URL("./mod.ts", import.meta.url).href}";
      await rest.loadYamlParser();
      try {
        rest.parseKubeConfig("clusters: []\\n");
        console.log(JSON.stringify(["parsed"]));
      } catch (e) {
        console.log(JSON.stringify([e.name, /--allow-env=LOG_TOKENS,LOG_STREAM/.test(e.message)]));
      }`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--allow-read", program],
      cwd: new URL("..", import.meta.url).pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, stderr);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), ["ConfigError", true]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
