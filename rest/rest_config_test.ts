import assert from "node:assert/strict";
import { FakeClock } from "../_internal/clock.ts";
import { loadKubeConfig, loadYamlParser, parseKubeConfig } from "./kubeconfig.ts";
import {
  BasicAuthProvider,
  impersonationHeaders,
  type RestConfig,
  restConfigTlsOptions,
  StaticTokenAuthProvider,
  TokenFileAuthProvider,
} from "./rest_config.ts";
import { restConfigFromKubeConfig } from "./rest_config_from_kubeconfig.ts";
import { ConfigError } from "./config_error.ts";
import { ExecAuthProvider } from "./exec_credential.ts";
import { RuntimeCapabilityError } from "./runtime/runtime.ts";
import {
  assertNoSecrets,
  baseDoc,
  CA_PEM,
  CERT_PEM,
  ENV_SECRET,
  FakeRuntime,
  KEY_PEM,
  PASSWORD,
  TOKEN,
  yaml,
} from "./_config_fakes_test.ts";
import { encodeBase64 } from "./_config_util.ts";

// parseKubeConfig needs the YAML parser, which loads on first need.
await loadYamlParser();

const FILE = "/home/me/.kube/config";

// deno-lint-ignore no-explicit-any
type Doc = Record<string, any>;

function cluster(doc: Doc): Doc {
  return doc.clusters[0].cluster;
}
function user(doc: Doc, name: string): Doc {
  return doc.users.find((u: Doc) => u.name === name).user;
}

async function build(
  text: string,
  options: { context?: string; files?: Record<string, string>; unreadable?: string[] } = {},
): Promise<RestConfig> {
  const runtime = new FakeRuntime({
    files: { [FILE]: text, ...options.files },
    home: "/home/me",
    unreadable: options.unreadable,
    spawn: () => Promise.reject(new Error("no plugin in this test")),
  });
  const kc = await loadKubeConfig({ runtime });
  return await restConfigFromKubeConfig(kc, { runtime, context: options.context });
}

interface Malformed {
  name: string;
  text: string | ((doc: Doc) => void);
  context?: string;
  files?: Record<string, string>;
  unreadable?: string[];
  file?: string;
  field: string | undefined;
  message: RegExp;
}

const CASES: Malformed[] = [
  {
    name: "unterminated quote on the token line",
    text: `users:\n- name: alice\n  user:\n    token: "${TOKEN}\ncontexts: []\n`,
    field: undefined,
    message: /Invalid YAML at line \d+, column \d+/,
  },
  {
    name: "tab indentation",
    text: `users:\n\t- name: alice\n`,
    field: undefined,
    message: /Invalid YAML at line 2, column 1: Tabs are not allowed/,
  },
  {
    name: "nested mapping on the password line",
    text: `users:\n- name: bob\n  user:\n    password: a: ${PASSWORD}\n`,
    field: undefined,
    message: /Invalid YAML at line 4, column \d+: Nested mappings are not allowed/,
  },
  {
    name: "document is a list",
    text: "- a\n- b\n",
    field: undefined,
    message: /The document must be a mapping/,
  },
  {
    name: "kind is not Config",
    text: (d) => d.kind = "Pod",
    field: "kind",
    message: /kind must be "Config"/,
  },
  {
    name: "apiVersion is not v1",
    text: (d) => d.apiVersion = "v2",
    field: "apiVersion",
    message: /must be "v1"/,
  },
  {
    name: "clusters is a mapping",
    text: (d) => d.clusters = { prod: {} },
    field: "clusters",
    message: /clusters must be a list/,
  },
  {
    name: "cluster without a name",
    text: (d) => delete d.clusters[0].name,
    field: "clusters[0].name",
    message: /clusters\[0\]\.name is missing/,
  },
  {
    name: "two clusters with one name",
    text: (d) => d.clusters.push({ name: "prod", cluster: { server: "https://x" } }),
    field: "clusters[prod]",
    message: /clusters\[prod\] is defined twice/,
  },
  {
    name: "server is a number",
    text: (d) => cluster(d).server = 6443,
    field: "clusters[prod].cluster.server",
    message: /must be a string/,
  },
  {
    name: "insecure-skip-tls-verify is not a boolean",
    text: (d) => cluster(d)["insecure-skip-tls-verify"] = "maybe",
    field: "clusters[prod].cluster.insecure-skip-tls-verify",
    message: /must be true or false/,
  },
  {
    name: "certificate-authority-data is not base64",
    text: (d) => cluster(d)["certificate-authority-data"] = "not*base64!",
    field: "clusters[prod].cluster.certificate-authority-data",
    message: /is not valid base64/,
  },
  {
    name: "client-key-data is not base64 (and holds a secret)",
    text: (d) => user(d, "carol")["client-key-data"] = "KEY-SECRET-789!!",
    field: "users[carol].user.client-key-data",
    message: /users\[carol\]\.user\.client-key-data is not valid base64/,
  },
  {
    name: "token is a list",
    text: (d) => user(d, "alice").token = [TOKEN],
    field: "users[alice].user.token",
    message: /users\[alice\]\.user\.token must be a string/,
  },
  {
    name: "password is a mapping",
    text: (d) => user(d, "bob").password = { value: PASSWORD },
    field: "users[bob].user.password",
    message: /must be a string/,
  },
  {
    name: "exec without command",
    text: (d) => delete user(d, "dave").exec.command,
    field: "users[dave].user.exec.command",
    message: /exec\.command is missing/,
  },
  {
    name: "exec without apiVersion",
    text: (d) => delete user(d, "dave").exec.apiVersion,
    field: "users[dave].user.exec.apiVersion",
    message: /exec\.apiVersion is missing/,
  },
  {
    name: "exec interactiveMode unknown",
    text: (d) => user(d, "dave").exec.interactiveMode = "Sometimes",
    field: "users[dave].user.exec.interactiveMode",
    message: /must be Never, IfAvailable or Always/,
  },
  {
    name: "exec env entry without name",
    text: (d) => user(d, "dave").exec.env.push({ value: ENV_SECRET }),
    field: "users[dave].user.exec.env[1].name",
    message: /env\[1\]\.name is missing/,
  },
  {
    name: "as-groups is a string",
    text: (d) => Object.assign(user(d, "alice"), { as: "jane", "as-groups": "admins" }),
    field: "users[alice].user.as-groups",
    message: /as-groups must be a list/,
  },
  {
    name: "preferences.colors is a string",
    text: (d) => d.preferences = { colors: "blue" },
    field: "preferences.colors",
    message: /must be true or false/,
  },
  {
    name: "current-context names an unknown context",
    text: (d) => d["current-context"] = "nope",
    field: "current-context",
    message: /current-context names context "nope", which is not defined \(defined: prod-alice, prod-bob/,
  },
  {
    name: "the asked context is unknown",
    text: () => {},
    context: "staging",
    field: "context",
    message: /The context option names context "staging", which is not defined/,
  },
  {
    name: "no current-context and no context asked",
    text: (d) => delete d["current-context"],
    field: "current-context",
    message: /No context chosen/,
  },
  {
    name: "context without cluster",
    text: (d) => delete d.contexts[0].context.cluster,
    field: "contexts[prod-alice].context.cluster",
    message: /contexts\[prod-alice\]\.context\.cluster is missing/,
  },
  {
    name: "context names an unknown cluster",
    text: (d) => d.contexts[0].context.cluster = "staging",
    field: "contexts[prod-alice].context.cluster",
    message: /names cluster "staging", which is not defined/,
  },
  {
    name: "context names an unknown user",
    text: (d) => d.contexts[0].context.user = "mallory",
    field: "contexts[prod-alice].context.user",
    message: /names user "mallory", which is not defined/,
  },
  {
    name: "cluster without server",
    text: (d) => delete cluster(d).server,
    field: "clusters[prod].cluster.server",
    message: /server is missing/,
  },
  {
    name: "server is not a URL",
    text: (d) => cluster(d).server = "https://[::1",
    field: "clusters[prod].cluster.server",
    message: /server is not a valid URL/,
  },
  {
    name: "server uses ftp",
    text: (d) => cluster(d).server = "ftp://prod.example.com",
    field: "clusters[prod].cluster.server",
    message: /must use https/,
  },
  {
    name: "server URL carries a password",
    text: (d) => cluster(d).server = `https://admin:${PASSWORD}@prod.example.com`,
    field: "clusters[prod].cluster.server",
    message: /must not contain a user name or password/,
  },
  {
    name: "CA data is base64 but not PEM",
    text: (d) => cluster(d)["certificate-authority-data"] = encodeBase64("hello"),
    field: "clusters[prod].cluster.certificate-authority-data",
    message: /does not hold a PEM certificate authority/,
  },
  {
    name: "CA data and CA file both set",
    text: (d) => cluster(d)["certificate-authority"] = "ca.crt",
    field: "clusters[prod].cluster.certificate-authority-data",
    message: /certificate-authority-data and certificate-authority are both set/,
  },
  {
    name: "insecure-skip-tls-verify with a CA",
    text: (d) => cluster(d)["insecure-skip-tls-verify"] = true,
    field: "clusters[prod].cluster.insecure-skip-tls-verify",
    message: /cannot be combined with a certificate authority/,
  },
  {
    name: "CA file missing",
    text: (d) => {
      delete cluster(d)["certificate-authority-data"];
      cluster(d)["certificate-authority"] = "certs/ca.crt";
    },
    field: "clusters[prod].cluster.certificate-authority",
    message:
      /Cannot read the certificate authority file \/home\/me\/\.kube\/certs\/ca\.crt named by clusters\[prod\]\.cluster\.certificate-authority: the file does not exist/,
  },
  {
    name: "client key file unreadable",
    text: (d) =>
      Object.assign(user(d, "carol"), { "client-key-data": undefined, "client-key": "/keys/carol.key" }),
    context: "prod-carol",
    files: { "/keys/carol.key": KEY_PEM },
    unreadable: ["/keys/carol.key"],
    field: "users[carol].user.client-key",
    message: /Cannot read the private key file \/keys\/carol\.key .*cannot be read \(EACCES\)/,
  },
  {
    name: "client key file holds no key",
    text: (d) =>
      Object.assign(user(d, "carol"), { "client-key-data": undefined, "client-key": "/keys/carol.key" }),
    context: "prod-carol",
    files: { "/keys/carol.key": CERT_PEM },
    field: "users[carol].user.client-key",
    message: /names \/keys\/carol\.key, which does not hold a PEM private key/,
  },
  {
    name: "client certificate without key",
    text: (d) => delete user(d, "carol")["client-key-data"],
    context: "prod-carol",
    field: "users[carol].user.client-key",
    message: /client-key is missing: a client certificate needs/,
  },
  {
    name: "client key without certificate",
    text: (d) => delete user(d, "carol")["client-certificate-data"],
    context: "prod-carol",
    field: "users[carol].user.client-certificate",
    message: /client-certificate is missing: a client key needs/,
  },
  {
    name: "token file missing",
    text: (d) => Object.assign(user(d, "alice"), { token: undefined, tokenFile: "tokens/alice" }),
    field: "users[alice].user.tokenFile",
    message:
      /Cannot read the token file \/home\/me\/\.kube\/tokens\/alice named by users\[alice\]\.user\.tokenFile/,
  },
  {
    name: "token and basic auth together",
    text: (d) => Object.assign(user(d, "alice"), { username: "alice", password: PASSWORD }),
    field: "users[alice].user",
    message: /more than one authentication method \(token, basic auth\)/,
  },
  {
    name: "password without user name",
    text: (d) => delete user(d, "bob").username,
    context: "prod-bob",
    field: "users[bob].user.username",
    message: /username is missing: a password needs a user name/,
  },
  {
    name: "gcp auth provider",
    text: (d) =>
      d.users.push({
        name: "gke",
        user: { "auth-provider": { name: "gcp", config: { "access-token": TOKEN } } },
      }) &&
      d.contexts.push({ name: "gke", context: { cluster: "prod", user: "gke" } }),
    context: "gke",
    field: "users[gke].user.auth-provider",
    message:
      /"gcp" auth provider, which is not supported .* use an exec credential plugin such as gke-gcloud-auth-plugin/,
  },
  {
    name: "oidc auth provider",
    text: (d) =>
      Object.assign(user(d, "alice"), {
        token: undefined,
        "auth-provider": { name: "oidc", config: { "id-token": TOKEN } },
      }),
    field: "users[alice].user.auth-provider",
    message: /"oidc" auth provider.*kubelogin/,
  },
  {
    name: "exec apiVersion v1alpha1",
    text: (d) => user(d, "dave").exec.apiVersion = "client.authentication.k8s.io/v1alpha1",
    context: "prod-dave",
    field: "users[dave].user.exec.apiVersion",
    message: /must be client\.authentication\.k8s\.io\/v1 or v1beta1 \(v1alpha1 was removed\)/,
  },
  {
    name: "exec interactiveMode Always",
    text: (d) => user(d, "dave").exec.interactiveMode = "Always",
    context: "prod-dave",
    field: "users[dave].user.exec.interactiveMode",
    message: /interactiveMode is Always, but kubeweb runs exec plugins without a terminal/,
  },
  {
    name: "proxy-url is not a URL",
    text: (d) => cluster(d)["proxy-url"] = "::not a url::",
    field: "clusters[prod].cluster.proxy-url",
    message: /proxy-url is not a valid URL/,
  },
  {
    name: "impersonated groups without a user",
    text: (d) => user(d, "alice")["as-groups"] = ["admins"],
    field: "users[alice].user.as",
    message: /as is missing: as-uid, as-groups and as-user-extra need a user/,
  },
];

Deno.test(`${CASES.length} malformed kubeconfigs each fail naming the file, the field and the problem`, async (t) => {
  assert.ok(CASES.length >= 20);
  for (const c of CASES) {
    await t.step(c.name, async () => {
      let text: string;
      if (typeof c.text === "string") {
        text = c.text;
      } else {
        const doc = baseDoc();
        c.text(doc);
        text = yaml(doc);
      }
      const err = await build(text, c).then(
        () => assert.fail("no error"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ConfigError, `not a ConfigError: ${err}`);
      assert.equal(err.name, "ConfigError");
      assert.equal(err.file, c.file ?? FILE);
      assert.ok(err.message.startsWith(`${c.file ?? FILE}: `), err.message);
      assert.equal(err.field, c.field);
      if (c.field !== undefined) assert.ok(err.message.includes(c.field), err.message);
      assert.match(err.message, c.message);
      assertNoSecrets(err);
    });
  }
});

Deno.test("a runtime that cannot spawn rejects exec plugins with RuntimeCapabilityError", async () => {
  const runtime = new FakeRuntime({ name: "web", files: { [FILE]: yaml(baseDoc()) }, home: "/home/me" });
  const kc = await loadKubeConfig({ runtime });
  await assert.rejects(restConfigFromKubeConfig(kc, { runtime, context: "prod-dave" }), (e: unknown) => {
    assert.ok(e instanceof RuntimeCapabilityError);
    assert.match(
      e.message,
      /The web runtime cannot run the exec credential plugin "get-token": use a bearer token/,
    );
    assertNoSecrets(e);
    return true;
  });
});

Deno.test("token user: host, CA from data, namespace default, static token", async () => {
  const config = await build(yaml(baseDoc()), { context: "prod-alice" });
  assert.equal(config.host, "https://prod.example.com:6443");
  assert.equal(config.namespace, "default");
  assert.equal(config.caPem, CA_PEM);
  assert.equal(config.bearerToken, TOKEN);
  assert.ok(config.auth instanceof StaticTokenAuthProvider);
  const headers = new Headers();
  await config.auth.authorize(headers);
  assert.equal(headers.get("authorization"), `Bearer ${TOKEN}`);
  assert.deepEqual(restConfigTlsOptions(config), { caPem: CA_PEM });
});

Deno.test("basic auth user, and a password with non-ASCII characters is sent as UTF-8", async () => {
  const doc = baseDoc();
  user(doc, "bob").password = "pässword";
  const config = await build(yaml(doc), { context: "prod-bob" });
  assert.equal(config.username, "bob");
  assert.equal(config.password, "pässword");
  assert.ok(config.auth instanceof BasicAuthProvider);
  const headers = new Headers();
  await config.auth.authorize(headers);
  assert.equal(headers.get("authorization"), `Basic ${encodeBase64("bob:pässword")}`);
  assert.equal(headers.get("authorization"), "Basic Ym9iOnDDpHNzd29yZA==");
});

Deno.test("client certificate user from data and from files relative to the kubeconfig", async () => {
  const fromData = await build(yaml(baseDoc()), { context: "prod-carol" });
  assert.equal(fromData.certPem, CERT_PEM);
  assert.equal(fromData.keyPem, KEY_PEM);
  assert.equal(fromData.auth, undefined);
  const doc = baseDoc();
  delete cluster(doc)["certificate-authority-data"];
  cluster(doc)["certificate-authority"] = "pki/ca.crt";
  cluster(doc)["tls-server-name"] = "kubernetes.default";
  const carol = user(doc, "carol");
  delete carol["client-certificate-data"];
  delete carol["client-key-data"];
  carol["client-certificate"] = "pki/carol.crt";
  carol["client-key"] = "/etc/keys/carol.key";
  const fromFiles = await build(yaml(doc), {
    context: "prod-carol",
    files: {
      "/home/me/.kube/pki/ca.crt": CA_PEM,
      "/home/me/.kube/pki/carol.crt": CERT_PEM,
      "/etc/keys/carol.key": KEY_PEM,
    },
  });
  assert.equal(fromFiles.caPem, CA_PEM);
  assert.equal(fromFiles.caFile, "/home/me/.kube/pki/ca.crt");
  assert.equal(fromFiles.certFile, "/home/me/.kube/pki/carol.crt");
  assert.equal(fromFiles.keyFile, "/etc/keys/carol.key");
  assert.deepEqual(restConfigTlsOptions(fromFiles), {
    caPem: CA_PEM,
    certPem: CERT_PEM,
    keyPem: KEY_PEM,
    serverName: "kubernetes.default",
  });
});

Deno.test("exec user: the exec provider is both auth and tlsFromExec", async () => {
  const config = await build(yaml(baseDoc()), { context: "prod-dave" });
  assert.ok(config.auth instanceof ExecAuthProvider);
  assert.equal(config.tlsFromExec, config.auth);
  assert.equal(config.exec?.command, "get-token");
});

Deno.test("exec user with provideClusterInfo: the plugin gets the cluster, with a CA file sent as data", async () => {
  const doc = baseDoc();
  delete cluster(doc)["certificate-authority-data"];
  Object.assign(cluster(doc), {
    "certificate-authority": "ca.crt",
    "tls-server-name": "kube",
    extensions: [{ name: "client.authentication.k8s.io/exec", extension: { audience: "prod" } }],
  });
  user(doc, "dave").exec.provideClusterInfo = true;
  const runtime = new FakeRuntime({
    files: { [FILE]: yaml(doc), "/home/me/.kube/ca.crt": CA_PEM },
    home: "/home/me",
    spawn: () =>
      Promise.resolve({
        code: 0,
        stderr: "",
        stdout: JSON.stringify({
          apiVersion: "client.authentication.k8s.io/v1",
          kind: "ExecCredential",
          status: { token: "from-plugin" },
        }),
      }),
  });
  const config = await restConfigFromKubeConfig(await loadKubeConfig({ runtime }), {
    runtime,
    context: "prod-dave",
  });
  const h = new Headers();
  await config.auth!.authorize(h);
  assert.equal(h.get("authorization"), "Bearer from-plugin");
  assert.deepEqual(JSON.parse(runtime.calls[0].options.env!.KUBERNETES_EXEC_INFO).spec.cluster, {
    server: "https://prod.example.com:6443",
    "tls-server-name": "kube",
    "certificate-authority-data": encodeBase64(CA_PEM),
    config: { audience: "prod" },
  });
});

Deno.test("context namespace, insecure, proxy, compression, server forms and options", async () => {
  const doc = baseDoc();
  delete cluster(doc)["certificate-authority-data"];
  Object.assign(cluster(doc), {
    server: "prod.example.com:6443",
    "insecure-skip-tls-verify": true,
    "proxy-url": "socks5://proxy:1080",
    "disable-compression": true,
  });
  doc.contexts[0].context.namespace = "apps";
  const config = await build(yaml(doc));
  assert.equal(config.host, "https://prod.example.com:6443");
  assert.equal(config.namespace, "apps");
  assert.equal(config.insecureSkipTlsVerify, true);
  assert.equal(config.proxyUrl, "socks5://proxy:1080");
  assert.equal(config.disableCompression, true);
  assert.deepEqual(restConfigTlsOptions(config), {
    insecureSkipVerify: true,
    proxyUrl: "socks5://proxy:1080",
  });

  const proxied = baseDoc();
  delete cluster(proxied)["certificate-authority-data"];
  cluster(proxied).server = "http://localhost:8001/";
  const local = await restConfigFromKubeConfig(parseKubeConfig(yaml(proxied)), {
    runtime: new FakeRuntime({}),
    onWarning: () => {},
  });
  assert.equal(local.host, "http://localhost:8001");
  cluster(proxied).server = "https://rancher.example.com/k8s/clusters/c-1/";
  assert.equal((await build(yaml(proxied))).host, "https://rancher.example.com/k8s/clusters/c-1");

  const runtime = new FakeRuntime({});
  const kc = parseKubeConfig(yaml(baseDoc()));
  const tuned = await restConfigFromKubeConfig(kc, {
    runtime,
    qps: 50,
    burst: 100,
    timeoutMs: 5000,
    userAgent: "me/1",
  });
  assert.equal(tuned.qps, 50);
  assert.equal(tuned.burst, 100);
  assert.equal(tuned.timeoutMs, 5000);
  assert.equal(tuned.userAgent, "me/1");
});

Deno.test("a context without a user is anonymous", async () => {
  const doc = baseDoc();
  delete doc.contexts[0].context.user;
  const config = await build(yaml(doc));
  assert.equal(config.auth, undefined);
  assert.equal(config.bearerToken, undefined);
});

Deno.test("impersonation: user, uid, groups and extra become separate headers", async () => {
  const doc = baseDoc();
  Object.assign(user(doc, "alice"), {
    as: "jane",
    "as-uid": "1234",
    "as-groups": ["devs", "ops"],
    "as-user-extra": { "scopes.example.com/project": ["a", "b"], reason: ["audit"] },
  });
  const config = await build(yaml(doc));
  assert.deepEqual(config.impersonate, {
    userName: "jane",
    uid: "1234",
    groups: ["devs", "ops"],
    extra: { "scopes.example.com/project": ["a", "b"], reason: ["audit"] },
  });
  assert.deepEqual(impersonationHeaders(config.impersonate), [
    ["Impersonate-User", "jane"],
    ["Impersonate-Uid", "1234"],
    ["Impersonate-Group", "devs"],
    ["Impersonate-Group", "ops"],
    ["Impersonate-Extra-scopes.example.com%2Fproject", "a"],
    ["Impersonate-Extra-scopes.example.com%2Fproject", "b"],
    ["Impersonate-Extra-reason", "audit"],
  ]);
  assert.deepEqual(impersonationHeaders(undefined), []);
});

Deno.test("printing or inspecting a RestConfig never shows its secrets", async () => {
  const configs = [
    await build(yaml(baseDoc()), { context: "prod-alice" }),
    await build(yaml(baseDoc()), { context: "prod-bob" }),
    await build(yaml(baseDoc()), { context: "prod-carol" }),
    await build(yaml(baseDoc()), { context: "prod-dave" }),
  ];
  for (const config of configs) {
    for (const text of [String(config), `${config}`, Deno.inspect(config, { depth: 10 })]) {
      for (const secret of [TOKEN, PASSWORD, "KEY-SECRET-789", ENV_SECRET]) {
        assert.ok(!text.includes(secret), text);
      }
    }
    assert.match(Deno.inspect(config), /host: "https:\/\/prod\.example\.com:6443"/);
  }
  assert.match(Deno.inspect(configs[0]), /bearerToken: "\[redacted\]"/);
  assert.match(Deno.inspect(configs[3], { depth: 10 }), /name: "SECRET_ENV", value: "\[redacted\]"/);
  // The data is still there for code, and spreading copies only data.
  assert.equal(configs[0].bearerToken, TOKEN);
  assert.deepEqual(
    Object.keys({ ...configs[1] }).sort(),
    ["auth", "host", "caPem", "namespace", "password", "username"].sort(),
  );
});

Deno.test("TokenFileAuthProvider re-reads the file at most once a minute, and after a 401", async () => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime({ files: { "/t": "first\n" } });
  const auth = new TokenFileAuthProvider("/t", { runtime, clock });
  const header = async () => {
    const h = new Headers();
    await auth.authorize(h);
    return h.get("authorization");
  };
  assert.equal(await header(), "Bearer first");
  runtime.files.set("/t", "second");
  await clock.advance(59_999);
  assert.equal(await header(), "Bearer first");
  assert.equal(runtime.reads.length, 1);
  await clock.advance(1);
  assert.equal(await header(), "Bearer second");
  assert.equal(runtime.reads.length, 2);
  runtime.files.set("/t", "third");
  auth.onUnauthorized();
  assert.equal(await header(), "Bearer third");
  // A failed re-read keeps the last good token and waits a period before trying again.
  runtime.files.delete("/t");
  await clock.advance(60_000);
  assert.equal(await header(), "Bearer third");
  assert.equal(await header(), "Bearer third");
  assert.equal(runtime.reads.length, 4);
  runtime.files.set("/t", "");
  await clock.advance(60_000);
  assert.equal(await header(), "Bearer third");
});

Deno.test("TokenFileAuthProvider: concurrent callers share one read; no token at all is an error", async () => {
  const runtime = new FakeRuntime({ files: { "/t": "tok" } });
  const auth = new TokenFileAuthProvider("/t", { runtime, clock: new FakeClock() });
  const tokens = await Promise.all([auth.token(), auth.token(), auth.token()]);
  assert.deepEqual(tokens, ["tok", "tok", "tok"]);
  assert.equal(runtime.reads.length, 1);
  const missing = new TokenFileAuthProvider("/none", {
    runtime,
    file: "/kc",
    field: "users[u].user.tokenFile",
  });
  await assert.rejects(missing.token(), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.file, "/kc");
    assert.equal(e.field, "users[u].user.tokenFile");
    return true;
  });
  runtime.files.set("/empty", "  \n");
  await assert.rejects(
    new TokenFileAuthProvider("/empty", { runtime }).token(),
    /The token file \/empty is empty/,
  );
  const withFallback = new TokenFileAuthProvider("/none", { runtime, fallbackToken: "static" });
  assert.equal(await withFallback.token(), "static");
});

Deno.test("tokenFile in a kubeconfig wins over token, which stays as the fallback", async () => {
  const clock = new FakeClock();
  const doc = baseDoc();
  user(doc, "alice").tokenFile = "alice.token";
  const runtime = new FakeRuntime({
    files: { [FILE]: yaml(doc), "/home/me/.kube/alice.token": "from-file" },
    home: "/home/me",
  });
  const config = await restConfigFromKubeConfig(await loadKubeConfig({ runtime }), { runtime, clock });
  assert.equal(config.bearerTokenFile, "/home/me/.kube/alice.token");
  assert.equal(config.bearerToken, TOKEN);
  assert.ok(config.auth instanceof TokenFileAuthProvider);
  const h = new Headers();
  await config.auth.authorize(h);
  assert.equal(h.get("authorization"), "Bearer from-file");
  runtime.files.set("/home/me/.kube/alice.token", "rotated");
  await clock.advance(60_000);
  await config.auth.authorize(h);
  assert.equal(h.get("authorization"), "Bearer rotated");
});

Deno.test("a token with CR, LF or NUL is a ConfigError naming the field, never the value", async () => {
  for (
    const bad of [`${TOKEN}\r\nX-Injected: 1`, `${TOKEN}\n`, `a\n${TOKEN}`, `${TOKEN}\0`, `${TOKEN}\x1b[2J`]
  ) {
    const doc = baseDoc();
    user(doc, "alice").token = bad;
    await assert.rejects(build(yaml(doc), { context: "prod-alice" }), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.field, "users[alice].user.token");
      assert.equal(e.file, FILE);
      assert.match(e.message, /cannot be sent in an HTTP header/);
      assertNoSecrets(e);
      return true;
    });
  }
  // Impersonation values are headers too.
  const doc = baseDoc();
  user(doc, "alice").as = "jane\r\nX-Evil: 1";
  await assert.rejects(build(yaml(doc), { context: "prod-alice" }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.field, "users[alice].user.as");
    assert.ok(!e.message.includes("X-Evil"));
    return true;
  });
  // Tabs and non-ASCII Latin-1 characters are allowed in header values.
  const fine = baseDoc();
  user(fine, "alice").token = "tok\twith-tab";
  assert.equal((await build(yaml(fine), { context: "prod-alice" })).bearerToken, "tok\twith-tab");
});

Deno.test("a token file with a line break inside is refused at build, and a bad re-read keeps the old token", async () => {
  const doc = baseDoc();
  user(doc, "alice").tokenFile = "alice.token";
  delete user(doc, "alice").token;
  const runtime = new FakeRuntime({
    files: { [FILE]: yaml(doc), "/home/me/.kube/alice.token": `${TOKEN}\nsecond-line\n` },
    home: "/home/me",
  });
  await assert.rejects(
    restConfigFromKubeConfig(await loadKubeConfig({ runtime }), { runtime, clock: new FakeClock() }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.field, "users[alice].user.tokenFile");
      assert.match(e.message, /alice\.token holds a character that cannot be sent in an HTTP header/);
      assertNoSecrets(e, ["second-line"]);
      return true;
    },
  );
  const clock = new FakeClock();
  const files = new FakeRuntime({ files: { "/t": "good\n" } });
  const auth = new TokenFileAuthProvider("/t", { runtime: files, clock });
  assert.equal(await auth.token(), "good");
  files.files.set("/t", `${TOKEN}\0rotated`);
  await clock.advance(60_000);
  const h = new Headers();
  await auth.authorize(h);
  assert.equal(h.get("authorization"), "Bearer good", "the bad re-read is ignored");
});

Deno.test("StaticTokenAuthProvider refuses a token that cannot be a header value, without quoting it", () => {
  assert.throws(() => new StaticTokenAuthProvider(`${TOKEN}\r\n`), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.field, "bearerToken");
    assertNoSecrets(e);
    return true;
  });
});

Deno.test("a plain http server gets no credentials from the kubeconfig, and a warning says so", async (t) => {
  const users = ["alice", "bob", "carol", "dave"];
  for (const name of users) {
    await t.step(name, async () => {
      const doc = baseDoc();
      cluster(doc).server = "http://prod.example.com:8080"; // any host, as client-go
      cluster(doc)["tls-server-name"] = "kubernetes";
      doc.contexts.find((c: Doc) => c.name === `prod-${name}`).context.namespace = "apps";
      user(doc, name).as = "jane";
      const runtime = new FakeRuntime({
        files: { [FILE]: yaml(doc) },
        home: "/home/me",
        spawn: () => Promise.reject(new Error("the plugin must not run")),
      });
      const warnings: string[] = [];
      const config = await restConfigFromKubeConfig(await loadKubeConfig({ runtime }), {
        runtime,
        context: `prod-${name}`,
        onWarning: (m) => warnings.push(m),
      });
      assert.equal(config.host, "http://prod.example.com:8080");
      assert.equal(config.namespace, "apps");
      for (
        const k of [
          "auth",
          "bearerToken",
          "bearerTokenFile",
          "username",
          "password",
          "certPem",
          "keyPem",
          "exec",
          "tlsFromExec",
          "caPem",
          "tlsServerName",
        ] as const
      ) assert.equal(config[k], undefined, `${name}: ${k}`);
      assert.deepEqual(config.impersonate, { userName: "jane" }, "impersonation is kept, as in client-go");
      assert.equal(runtime.calls.length, 0);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /plain http/);
      assert.match(warnings[0], new RegExp(`users\\[${name}\\]`));
      assert.match(warnings[0], /not sent/);
      assert.match(warnings[0], /certificate authority, tls-server-name/);
      for (const secret of [TOKEN, PASSWORD, "KEY-SECRET-789", ENV_SECRET]) {
        assert.ok(!warnings[0].includes(secret));
      }
    });
  }
  await t.step("no credentials and no TLS settings: no warning", async () => {
    const doc = baseDoc();
    cluster(doc).server = "http://10.1.2.3:8080";
    delete cluster(doc)["certificate-authority-data"];
    delete doc.contexts[0].context.user;
    const warnings: string[] = [];
    const config = await restConfigFromKubeConfig(parseKubeConfig(yaml(doc)), {
      runtime: new FakeRuntime({}),
      onWarning: (m) => warnings.push(m),
    });
    assert.equal(config.host, "http://10.1.2.3:8080");
    assert.deepEqual(warnings, []);
  });
  await t.step("https keeps the credentials", async () => {
    const config = await build(yaml(baseDoc()), { context: "prod-alice" });
    assert.equal(config.bearerToken, TOKEN);
  });
});

Deno.test("a server without a scheme: host:port is http without TLS settings, https with them; a path is an error", async () => {
  const plain = baseDoc();
  delete cluster(plain)["certificate-authority-data"];
  delete plain.contexts[0].context.user; // no credentials, so no warning about plain http
  cluster(plain).server = "127.0.0.1:8080";
  assert.equal((await build(yaml(plain))).host, "http://127.0.0.1:8080");
  cluster(plain).server = "localhost:8080";
  assert.equal((await build(yaml(plain))).host, "http://localhost:8080");
  const withCa = baseDoc();
  cluster(withCa).server = "prod.example.com:6443";
  assert.equal((await build(yaml(withCa))).host, "https://prod.example.com:6443");
  const insecure = baseDoc();
  delete cluster(insecure)["certificate-authority-data"];
  Object.assign(cluster(insecure), { server: "prod.example.com", "insecure-skip-tls-verify": true });
  assert.equal((await build(yaml(insecure))).host, "https://prod.example.com");
  for (const server of ["prod.example.com/api", "prod.example.com:6443/prefix/", "localhost:8080/x"]) {
    const d = baseDoc();
    cluster(d).server = server;
    await assert.rejects(build(yaml(d)), (e: unknown) => {
      assert.ok(e instanceof ConfigError, server);
      assert.equal(e.field, "clusters[prod].cluster.server");
      assert.match(e.message, /host must be a URL or a host:port pair/);
      return true;
    });
  }
  // With a scheme, a path is a prefix, as before.
  const prefixed = baseDoc();
  cluster(prefixed).server = "https://prod.example.com/k8s/";
  assert.equal((await build(yaml(prefixed))).host, "https://prod.example.com/k8s");
});

Deno.test("an exec plugin of client.authentication.k8s.io/v1 without interactiveMode is an error", async () => {
  const d = baseDoc();
  delete user(d, "dave").exec.interactiveMode;
  await assert.rejects(build(yaml(d), { context: "prod-dave" }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.file, FILE);
    assert.equal(e.field, "users[dave].user.exec.interactiveMode");
    assert.match(e.message, /interactiveMode must be specified for client\.authentication\.k8s\.io\/v1/);
    assertNoSecrets(e);
    return true;
  });
  // v1beta1 defaults to IfAvailable, as client-go does.
  user(d, "dave").exec.apiVersion = "client.authentication.k8s.io/v1beta1";
  const config = await build(yaml(d), { context: "prod-dave" });
  assert.ok(config.auth instanceof ExecAuthProvider);
});
