import assert from "node:assert/strict";
import { loadYamlParser, parseKubeConfig } from "./kubeconfig.ts";
import type { RestConfig } from "./rest_config.ts";
import { restConfigFromKubeConfig } from "./rest_config_from_kubeconfig.ts";
import type { ConfigOverrides } from "./config_overrides.ts";
import { ConfigError } from "./config_error.ts";
import {
  assertNoSecrets,
  baseDoc,
  CA_PEM,
  CERT_PEM,
  FakeRuntime,
  KEY_PEM,
  TOKEN,
  yaml,
} from "./_config_fakes_test.ts";
import { encodeBase64 } from "./_config_util.ts";

// parseKubeConfig needs the YAML parser, which loads on first need.
await loadYamlParser();

const FILE = "/home/me/.kube/config";
const OVERRIDE_TOKEN = "override-SECRET-321";
const OTHER_CA = "-----BEGIN CERTIFICATE-----\nT1RIRVI=\n-----END CERTIFICATE-----\n";

// deno-lint-ignore no-explicit-any
type Doc = Record<string, any>;

/** baseDoc plus a second cluster "staging" (with tls-server-name) and a context without a user. */
function doc(): Doc {
  const d = baseDoc();
  d.clusters.push({
    name: "staging",
    cluster: { server: "https://staging.example.com", "tls-server-name": "kube.staging" },
  });
  d.contexts.push({ name: "anonymous", context: { cluster: "prod", namespace: "ns-a" } });
  return d;
}

function runtime(): FakeRuntime {
  return new FakeRuntime({
    home: "/home/me",
    cwd: "/work/project",
    files: {
      "/work/project/certs/ca.pem": OTHER_CA,
      "/work/project/me.crt": CERT_PEM,
      "/work/project/me.key": KEY_PEM,
    },
  });
}

function build(d: Doc, overrides: ConfigOverrides, context?: string): Promise<RestConfig> {
  const rt = runtime();
  return restConfigFromKubeConfig(parseKubeConfig(yaml(d), { file: FILE }), {
    runtime: rt,
    overrides,
    context,
  });
}

async function bearer(config: RestConfig): Promise<string | null> {
  const h = new Headers();
  await config.auth?.authorize(h);
  return h.get("authorization");
}

async function rejects(p: Promise<unknown>, field: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.field, field);
    assert.match(e.message, message);
    assertNoSecrets(e, [OVERRIDE_TOKEN]);
    return true;
  });
}

Deno.test("overrides: context, cluster, user and namespace, as --context, --cluster, --user, --namespace", async () => {
  const bob = await build(doc(), { currentContext: "prod-bob" });
  assert.equal(bob.username, "bob");
  // The context option is the same override; it wins when both are given.
  assert.equal((await build(doc(), { currentContext: "prod-bob" }, "prod-alice")).username, undefined);
  const moved = await build(doc(), { context: { cluster: "staging", user: "bob", namespace: "apps" } });
  assert.equal(moved.host, "https://staging.example.com");
  assert.equal(moved.tlsServerName, "kube.staging");
  assert.equal(moved.username, "bob");
  assert.equal(moved.namespace, "apps");
  await rejects(build(doc(), { currentContext: "nope" }), "overrides.currentContext", /names context "nope"/);
  await rejects(
    build(doc(), { context: { cluster: "nope" } }),
    "overrides.context.cluster",
    /cluster "nope"/,
  );
  await rejects(build(doc(), { context: { user: "nope" } }), "overrides.context.user", /user "nope"/);
});

Deno.test("overrides: --server replaces the server and the cluster's tls-server-name; --tls-server-name sets it", async () => {
  const d = doc();
  const staging = { context: { cluster: "staging" } };
  const server = await build(d, { ...staging, clusterInfo: { server: "https://10.0.0.9:6443" } });
  assert.equal(server.host, "https://10.0.0.9:6443");
  assert.equal(server.tlsServerName, undefined);
  const both = await build(d, {
    ...staging,
    clusterInfo: { server: "https://10.0.0.9", tlsServerName: "kube" },
  });
  assert.equal(both.tlsServerName, "kube");
  const nameOnly = await build(d, { ...staging, clusterInfo: { tlsServerName: "other" } });
  assert.equal(nameOnly.host, "https://staging.example.com");
  assert.equal(nameOnly.tlsServerName, "other");
  // A bad override is named as the override, not as the kubeconfig's field.
  await rejects(
    build(d, { clusterInfo: { server: "example.com/api" } }),
    "overrides.clusterInfo.server",
    /host must be a URL or a host:port pair/,
  );
  // With no context at all, the server override alone is enough (client-go).
  const empty = await restConfigFromKubeConfig(parseKubeConfig(""), {
    runtime: runtime(),
    overrides: { clusterInfo: { server: "https://10.0.0.1" }, authInfo: { token: OVERRIDE_TOKEN } },
  });
  assert.equal(empty.host, "https://10.0.0.1");
  assert.equal(await bearer(empty), `Bearer ${OVERRIDE_TOKEN}`);
});

Deno.test("overrides: a CA override replaces the file's CA data; insecure clears the CA", async () => {
  // The kubeconfig's cluster has certificate-authority-data; a CA file override does not conflict with it.
  const file = await build(doc(), { clusterInfo: { certificateAuthority: "certs/ca.pem" } });
  assert.equal(file.caPem, OTHER_CA);
  assert.equal(file.caFile, "/work/project/certs/ca.pem");
  const data = await build(doc(), { clusterInfo: { certificateAuthorityData: encodeBase64(OTHER_CA) } });
  assert.equal(data.caPem, OTHER_CA);
  assert.equal(data.caFile, undefined);
  const insecure = await build(doc(), { clusterInfo: { insecureSkipTlsVerify: true } });
  assert.equal(insecure.insecureSkipTlsVerify, true);
  assert.equal(insecure.caPem, undefined);
  // A CA override also clears the kubeconfig's insecure-skip-tls-verify.
  const d = doc();
  delete d.clusters[0].cluster["certificate-authority-data"];
  d.clusters[0].cluster["insecure-skip-tls-verify"] = true;
  const secured = await build(d, { clusterInfo: { certificateAuthority: "/work/project/certs/ca.pem" } });
  assert.equal(secured.insecureSkipTlsVerify, undefined);
  assert.equal(secured.caPem, OTHER_CA);
  // insecureSkipTlsVerify: false changes nothing (an empty override).
  assert.equal((await build(doc(), { clusterInfo: { insecureSkipTlsVerify: false } })).caPem, CA_PEM);
  await rejects(
    build(doc(), { clusterInfo: { certificateAuthority: "missing.pem" } }),
    "overrides.clusterInfo.certificateAuthority",
    /Cannot read the certificate authority file \/work\/project\/missing\.pem/,
  );
  await rejects(
    build(doc(), { clusterInfo: { certificateAuthorityData: "not base64!" } }),
    "overrides.clusterInfo.certificateAuthorityData",
    /is not valid base64/,
  );
});

Deno.test("overrides: client certificate, key and token merge into the user, with client-go's checks", async () => {
  const cert = await build(doc(), { authInfo: { clientCertificate: "me.crt", clientKey: "./me.key" } });
  assert.equal(cert.certPem, CERT_PEM);
  assert.equal(cert.keyPem, KEY_PEM);
  assert.equal(cert.certFile, "/work/project/me.crt");
  assert.equal(cert.keyFile, "/work/project/me.key");
  assert.equal(await bearer(cert), `Bearer ${TOKEN}`);
  const token = await build(doc(), { authInfo: { token: OVERRIDE_TOKEN } });
  assert.equal(await bearer(token), `Bearer ${OVERRIDE_TOKEN}`);
  assert.equal(token.bearerToken, OVERRIDE_TOKEN);
  // A context without a user gets one from the overrides.
  const anon = await build(doc(), { authInfo: { token: OVERRIDE_TOKEN } }, "anonymous");
  assert.equal(await bearer(anon), `Bearer ${OVERRIDE_TOKEN}`);
  assert.equal(anon.namespace, "ns-a");
  // Merged field by field: a token on a basic-auth user is two methods, as in client-go.
  await rejects(
    build(doc(), { authInfo: { token: OVERRIDE_TOKEN } }, "prod-bob"),
    "users[bob].user",
    /more than one authentication method \(token, basic auth\)/,
  );
  // A certificate file on a user with certificate data: both set.
  await rejects(
    build(doc(), { authInfo: { clientCertificate: "me.crt", clientKey: "me.key" } }, "prod-carol"),
    "users[carol].user.client-certificate-data",
    /both set/,
  );
  await rejects(
    build(doc(), { authInfo: { clientCertificate: "me.crt" } }),
    "users[alice].user.client-key",
    /a client certificate needs client-key/,
  );
  await rejects(
    build(doc(), { authInfo: { clientCertificate: "gone.crt", clientKey: "me.key" } }),
    "overrides.authInfo.clientCertificate",
    /Cannot read the certificate file \/work\/project\/gone\.crt/,
  );
});
