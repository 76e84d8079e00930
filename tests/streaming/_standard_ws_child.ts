// Child of standard_websocket_test.ts: with a bearer-token kubeconfig and no CA in it (Deno trusts the
// test CA through DENO_CERT), kubeweb opens its WebSockets with Deno's standard WebSocket, the token in
// the base64url.bearer.authorization.k8s.io subprotocol. Prints one JSON line.
import { loadRestConfig } from "../../rest/load_rest_config.ts";
import { restClientFor } from "../../rest/rest_client.ts";
import { collectOutput, exec } from "../../rest/remote_command.ts";

// Count the standard WebSockets made, and what they offered (the token itself is not printed).
const offered: string[][] = [];
const Standard = globalThis.WebSocket;
(globalThis as { WebSocket: unknown }).WebSocket = class extends Standard {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    offered.push(
      [protocols ?? []].flat().map((p) =>
        p.replace(/^(base64url\.bearer\.authorization\.k8s\.io\.).*/, "$1<token>")
      ),
    );
  }
};

const ns = Deno.env.get("KUBEWEB_NS")!;
const core = restClientFor(await loadRestConfig(), { apiPath: "/api", groupVersion: "v1" });
const dec = new TextDecoder();
const results: Record<string, unknown> = {};
for (const pod of ["v5", "v4"]) {
  const s = await exec(core, ns, pod, { command: ["sh", "-c", "echo out; echo err >&2; exit 5"] });
  const o = await collectOutput(s);
  results[pod] = {
    protocol: s.protocol,
    stdout: dec.decode(o.stdout),
    stderr: dec.decode(o.stderr),
    exitCode: o.exitCode,
  };
}
console.log(JSON.stringify({ ...results, offered }));
