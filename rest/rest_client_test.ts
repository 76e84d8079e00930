import assert from "node:assert/strict";
import { FakeClock, flushTasks } from "../_internal/clock.ts";
import { restClientFor, type RESTClientOptions } from "./rest_client.ts";
import {
  ApiError,
  isInternalError,
  isNotFound,
  isUnauthorized,
  TransportError,
  WatchDecodeError,
} from "./errors.ts";
import type { AuthProvider, RestConfig } from "./rest_config.ts";
import { ConfigError } from "./config_error.ts";
import type { Warning } from "./warning_handler.ts";
import {
  type FakeTransport,
  fakeTransport,
  hangUntilAborted,
  headerValues,
  json,
  testConfig,
} from "../tests/rest/_fake_transport.ts";

function client(
  t: FakeTransport,
  config: RestConfig = testConfig(),
  options: Partial<RESTClientOptions> = {},
) {
  return restClientFor(config, {
    apiPath: "/api",
    groupVersion: "v1",
    transport: t,
    rateLimiter: null,
    warningHandler: () => {},
    ...options,
  });
}

const ok = () => json({ kind: "Pod" });

// ---- URL building ----

Deno.test("url: the common shape (no absPath, no subresource) is the general path join's", () => {
  const t = fakeTransport(ok);
  const names = ["web", "a.b-c_d~e", "system:node", "user@example.com", "ünï", "sp ace", "q?x#y"];
  for (
    const [apiPath, groupVersion] of [["/api", "v1"], ["/apis", "apps/v1"], ["", ""], ["/apis", "x/v1/"]]
  ) {
    for (const host of ["https://k8s.test:6443", "https://proxy.test/k8s/c1/"]) {
      const c = client(t, testConfig({ host }), { apiPath, groupVersion });
      for (const ns of [undefined, "", "default", "kube-system"]) {
        for (const resource of [undefined, "pods", "configmaps"]) {
          for (const name of [undefined, ...names]) {
            const r = c.get().namespace(ns);
            if (resource !== undefined) r.resource(resource);
            if (name !== undefined) r.name(name);
            // The same path given as absPath goes the general way (path join): the two must agree.
            const general = c.get().absPath(apiPath, groupVersion).namespace(ns);
            if (resource !== undefined) general.resource(resource);
            if (name !== undefined) general.name(name);
            assert.equal(
              r.url(),
              general.url(),
              `${apiPath} ${groupVersion} ${host} ${ns} ${resource} ${name}`,
            );
          }
        }
      }
    }
  }
});

Deno.test("url: namespace, resource, name and subresource under the group version", async () => {
  const t = fakeTransport(ok);
  const core = client(t);
  const apps = client(t, testConfig(), { apiPath: "/apis", groupVersion: "apps/v1" });
  assert.equal(
    core.get().namespace("default").resource("pods").name("web").subResource("status").url(),
    "https://k8s.test:6443/api/v1/namespaces/default/pods/web/status",
  );
  assert.equal(apps.get().resource("deployments").url(), "https://k8s.test:6443/apis/apps/v1/deployments");
  assert.equal(core.get().namespace("").resource("pods").url(), "https://k8s.test:6443/api/v1/pods");
  assert.equal(core.get().namespace(undefined).resource("nodes").url(), "https://k8s.test:6443/api/v1/nodes");
  assert.equal(
    core.get().resource("namespaces").name("kube-system").url(),
    "https://k8s.test:6443/api/v1/namespaces/kube-system",
  );
  assert.equal(
    core.get().namespace("ns").resource("pods").name("p").subResource("proxy", "metrics").url(),
    "https://k8s.test:6443/api/v1/namespaces/ns/pods/p/proxy/metrics",
  );
  // Colons stay readable, other reserved characters are escaped.
  assert.equal(
    client(t, testConfig(), { apiPath: "/apis", groupVersion: "rbac.authorization.k8s.io/v1" }).get()
      .resource("clusterroles").name("system:node").url(),
    "https://k8s.test:6443/apis/rbac.authorization.k8s.io/v1/clusterroles/system:node",
  );
  await core.get().resource("pods").do();
  assert.equal(t.calls[0].url.href, "https://k8s.test:6443/api/v1/pods");
});

Deno.test("url: the host's path prefix is kept; absPath replaces apiPath and groupVersion", () => {
  const t = fakeTransport(ok);
  const prefixed = client(t, testConfig({ host: "https://proxy.test/k8s/clusters/c1" }));
  assert.equal(prefixed.get().resource("pods").url(), "https://proxy.test/k8s/clusters/c1/api/v1/pods");
  const raw = client(t, testConfig(), { apiPath: "", groupVersion: "" });
  assert.equal(raw.get().absPath("/version").url(), "https://k8s.test:6443/version");
  assert.equal(raw.get().absPath("/apis", "apps/v1").url(), "https://k8s.test:6443/apis/apps/v1");
  assert.equal(raw.get().absPath("/apis/").url(), "https://k8s.test:6443/apis/");
  assert.equal(
    prefixed.get().absPath("/apis/batch/v1").namespace("x").resource("jobs").url(),
    "https://proxy.test/k8s/clusters/c1/apis/batch/v1/namespaces/x/jobs",
  );
  assert.equal(raw.get().url(), "https://k8s.test:6443/");
});

Deno.test("url: parameters are encoded, repeated and skipped when undefined", () => {
  const t = fakeTransport(ok);
  const url = client(t).get().resource("pods")
    .param("labelSelector", "app in (a,b),tier!=x y")
    .param("fieldSelector", "metadata.name=a&b")
    .param("limit", 500)
    .param("watch", false)
    .param("continue", undefined)
    .param("dryRun", "All")
    .param("dryRun", "Other")
    .url();
  assert.equal(
    url,
    "https://k8s.test:6443/api/v1/pods?labelSelector=app%20in%20(a%2Cb)%2Ctier!%3Dx%20y" +
      "&fieldSelector=metadata.name%3Da%26b&limit=500&watch=false&dryRun=All&dryRun=Other",
  );
  const fromOptions = client(t).get().resource("pods").params({
    labelSelector: "a=b",
    limit: 10,
    allowWatchBookmarks: true,
    resourceVersion: undefined,
    dryRun: ["All", "Other"],
  }).url();
  assert.equal(
    fromOptions,
    "https://k8s.test:6443/api/v1/pods?labelSelector=a%3Db&limit=10&allowWatchBookmarks=true&dryRun=All&dryRun=Other",
  );
  const parsed = new URL(fromOptions).searchParams;
  assert.deepEqual(parsed.getAll("dryRun"), ["All", "Other"]);
  assert.equal(new URL(url).searchParams.get("labelSelector"), "app in (a,b),tier!=x y");
});

Deno.test("url: invalid path segments reject before anything is sent", async () => {
  const t = fakeTransport(ok);
  const c = client(t);
  await assert.rejects(c.get().resource("pods").name("a/b").do(), /Invalid resource name "a\/b"/);
  await assert.rejects(c.get().namespace("..").resource("pods").do(), TypeError);
  await assert.rejects(c.get().resource("pods").name("").do(), /may not be empty/);
  await assert.rejects(c.get().resource("pods").name("100%").do(), TypeError);
  assert.equal(t.calls.length, 0);
});

// ---- headers and bodies ----

Deno.test("headers: Accept, User-Agent, Content-Type per patch type, JSON bodies", async () => {
  const t = fakeTransport(ok);
  const c = client(t);
  await c.get().resource("pods").do();
  await c.post().namespace("default").resource("pods").body({ metadata: { name: "x" } }).do();
  for (
    const [pt, ct] of [
      ["json", "application/json-patch+json"],
      ["merge", "application/merge-patch+json"],
      ["strategic", "application/strategic-merge-patch+json"],
      ["apply", "application/apply-patch+yaml"],
    ] as const
  ) {
    await c.patch(pt).resource("pods").name("x").body({ spec: {} }).do();
    assert.deepEqual(headerValues(t.calls.at(-1)!, "content-type"), [ct]);
    assert.equal(t.calls.at(-1)!.method, "PATCH");
    assert.equal(t.calls.at(-1)!.body, '{"spec":{}}');
  }
  const [get, post] = t.calls;
  assert.deepEqual(headerValues(get, "accept"), ["application/json"]);
  assert.deepEqual(headerValues(get, "user-agent"), ["kubeweb/0.1.0 (fake)"]);
  assert.deepEqual(headerValues(get, "content-type"), []);
  assert.equal(get.body, undefined);
  assert.equal(post.method, "POST");
  assert.deepEqual(headerValues(post, "content-type"), ["application/json"]);
  assert.equal(post.body, '{"metadata":{"name":"x"}}');

  await c.put().resource("x").body("raw text").header("Content-Type", "text/plain").header("Accept", "*/*")
    .do();
  const put = t.calls.at(-1)!;
  assert.equal(put.body, "raw text");
  assert.deepEqual(headerValues(put, "content-type"), ["text/plain"]);
  assert.deepEqual(headerValues(put, "accept"), ["*/*"]);
  await c.post().resource("x").body(new TextEncoder().encode("bytes")).do();
  assert.equal(t.calls.at(-1)!.body, "bytes");

  const named = client(t, testConfig({ userAgent: "my-controller/1.0" }));
  await named.delete().resource("pods").name("x").do();
  assert.deepEqual(headerValues(t.calls.at(-1)!, "user-agent"), ["my-controller/1.0"]);
  assert.equal(t.calls.at(-1)!.method, "DELETE");
  await c.verb("options").resource("pods").do();
  assert.equal(t.calls.at(-1)!.method, "OPTIONS");
});

Deno.test("headers: impersonation headers repeat as separate pairs; extra keys are escaped", async () => {
  const t = fakeTransport(ok);
  const c = client(
    t,
    testConfig({
      impersonate: {
        userName: "jane",
        uid: "u-1",
        groups: ["devs", "ops, admins"],
        extra: { "scopes.example.com/x y": ["a", "b"] },
      },
    }),
  );
  await c.get().resource("pods").header("X-Trace", "1").header("X-Trace", "2").do();
  const call = t.calls[0];
  assert.deepEqual(headerValues(call, "Impersonate-User"), ["jane"]);
  assert.deepEqual(headerValues(call, "Impersonate-Uid"), ["u-1"]);
  assert.deepEqual(headerValues(call, "Impersonate-Group"), ["devs", "ops, admins"]);
  assert.deepEqual(headerValues(call, "Impersonate-Extra-scopes.example.com%2Fx%20y"), ["a", "b"]);
  assert.deepEqual(headerValues(call, "X-Trace"), ["1", "2"]);
});

Deno.test("headers: Authorization from the auth provider, a static token or basic auth", async () => {
  const t = fakeTransport(ok);
  const signals: (AbortSignal | undefined)[] = [];
  const auth: AuthProvider = {
    authorize(h: Headers, signal?: AbortSignal) {
      signals.push(signal);
      h.set("Authorization", "Bearer from-provider");
      return Promise.resolve();
    },
  };
  await client(t, testConfig({ auth, bearerToken: "ignored" })).get().resource("pods").do();
  await client(t, testConfig({ bearerToken: "static" })).get().resource("pods").do();
  await client(t, testConfig({ username: "admin", password: "pä:ss" })).get().resource("pods").do();
  await client(t, testConfig({ bearerToken: "static" })).get().resource("pods").header(
    "Authorization",
    "Bearer mine",
  ).do();
  await client(t).get().resource("pods").do();
  assert.deepEqual(t.calls.map((c) => headerValues(c, "authorization")), [
    ["Bearer from-provider"],
    ["Bearer static"],
    [`Basic ${btoa(String.fromCharCode(...new TextEncoder().encode("admin:pä:ss")))}`],
    ["Bearer mine"],
    [],
  ]);
  assert.ok(signals[0] instanceof AbortSignal);
});

Deno.test("headers: a credential that cannot be a header value never escapes in an error", async () => {
  const secret = "s3cret-token";
  const t = fakeTransport(ok);
  const errors: unknown[] = [];
  // A hand-built configuration with a bad token, and a custom provider whose Headers.set throws.
  errors.push(
    await client(t, testConfig({ bearerToken: `${secret}\r\nX-Injected: 1` })).get().resource("pods").do()
      .then(() => undefined, (e) => e),
  );
  const auth: AuthProvider = {
    authorize(h: Headers) {
      h.set("Authorization", `Bearer ${secret}\nX-Injected: 1`);
      return Promise.resolve();
    },
  };
  errors.push(
    await client(t, testConfig({ auth })).get().resource("pods").do().then(() => undefined, (e) => e),
  );
  errors.push(
    await client(t, testConfig({ impersonate: { userName: `${secret}\0` } })).get().resource("pods").watch()
      .then(() => undefined, (e) => e),
  );
  errors.push(
    await client(t).get().resource("pods").header("X-Token", `${secret}\n`).do().then(
      () => undefined,
      (e) => e,
    ),
  );
  assert.equal(t.calls.length, 0, "nothing was sent");
  for (const e of errors) {
    assert.ok(e instanceof Error, String(e));
    assert.ok(!(e instanceof TransportError), String(e));
    const everything = `${e} ${e.stack} ${Deno.inspect(e, { depth: 10 })}`;
    assert.ok(!everything.includes(secret), everything);
    assert.match(e.message, /cannot be sent in an HTTP header/);
  }
  assert.ok(errors[0] instanceof ConfigError);
  assert.equal((errors[0] as ConfigError).field, "bearerToken");
  assert.equal((errors[1] as ConfigError).field, "auth");
  assert.equal((errors[2] as ConfigError).field, "Impersonate-User");
  assert.ok(errors[3] instanceof TypeError);
});

// ---- response bodies ----

Deno.test("do(): a JSON or text answer is read as text (raw() encodes it); other answers as exact bytes", async () => {
  /** A response that can only be read as text: reading it as bytes would fail the request. */
  class TextOnly extends Response {
    override arrayBuffer(): Promise<ArrayBuffer> {
      return Promise.reject(new Error("read as bytes"));
    }
  }
  for (
    const type of ["application/json", "application/json;charset=utf-8", "text/plain", "application/yaml"]
  ) {
    const body = '{"kind":"Pod","metadata":{"name":"ä"}}';
    const r = await client(fakeTransport(() => new TextOnly(body, { headers: { "content-type": type } })))
      .get().resource("pods").do();
    assert.equal(r.text(), body, type);
    assert.deepEqual(r.into(), { kind: "Pod", metadata: { name: "ä" } });
    assert.deepEqual(r.raw(), new TextEncoder().encode(body));
  }
  const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x7b]); // not UTF-8: kept as sent
  for (const headers of [{ "content-type": "application/octet-stream" }, {}] as Record<string, string>[]) {
    const r = await client(fakeTransport(() => new Response(bytes, { headers }))).get().resource("pods").do();
    assert.deepEqual(r.raw(), bytes);
  }
});

/** A body that sends `text` in chunks of `size` bytes, one per pull; a byte stream (as a fetch body) when `bytes`. */
function chunked(text: string, size: number, byteStream = false): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  const pull = (c: ReadableStreamDefaultController<Uint8Array> | ReadableByteStreamController) => {
    if (at >= bytes.length) {
      c.close();
      // A byte stream's pending read of a given buffer ends only when the request is answered.
      if ("byobRequest" in c) c.byobRequest?.respond(0);
      return;
    }
    c.enqueue(bytes.slice(at, at + size));
    at += size;
  };
  return byteStream
    ? new ReadableStream({ type: "bytes", pull }) as ReadableStream<Uint8Array>
    : new ReadableStream<Uint8Array>({ pull });
}

Deno.test("into(): a JSON answer read in chunks decodes as do().into() does, lists item by item", async () => {
  const list = {
    kind: "PodList",
    apiVersion: "v1",
    metadata: { resourceVersion: "12" },
    items: Array.from(
      { length: 50 },
      (_, i) => ({ metadata: { name: `p-${i}`, annotations: { a: '"}]ä' } } }),
    ),
  };
  const text = JSON.stringify(list);
  for (
    const type of ["application/json", "application/json; charset=utf-8", "application/merge-patch+json"]
  ) {
    for (const size of [1, 5, 4096, 100_000]) {
      for (const byteStream of [false, true]) {
        const t = fakeTransport(() =>
          new Response(chunked(text, size, byteStream), { headers: { "content-type": type } })
        );
        assert.deepEqual(
          await client(t).get().resource("pods").into(),
          list,
          `${type} in chunks of ${size}${byteStream ? ", a byte stream" : ""}`,
        );
      }
    }
  }
  // Other answers are read whole and parsed as do().into() parses them.
  const yaml = fakeTransport(() =>
    new Response("kind: Pod", { headers: { "content-type": "application/yaml" } })
  );
  await assert.rejects(client(yaml).get().resource("pods").into(), SyntaxError);
  const plain = fakeTransport(() =>
    new Response('{"kind":"Pod"}', { headers: { "content-type": "text/plain" } })
  );
  assert.deepEqual(await client(plain).get().resource("pods").into(), { kind: "Pod" });
});

Deno.test("into(): an empty body is a TypeError naming the status; a body that is not JSON a SyntaxError", async () => {
  const empty = fakeTransport(() => new Response(" \n", { headers: { "content-type": "application/json" } }));
  await assert.rejects(
    client(empty).get().resource("pods").into(),
    (e: unknown) => e instanceof TypeError && /empty \(status 200\)/.test(e.message),
  );
  const bad = fakeTransport(() =>
    new Response(chunked('{"items":[{"a":1} {"b":2}]}', 3), {
      headers: { "content-type": "application/json" },
    })
  );
  await assert.rejects(client(bad).get().resource("pods").into(), SyntaxError);
  const cut = fakeTransport(() =>
    new Response(chunked('{"items":[{"a":1},', 4), { headers: { "content-type": "application/json" } })
  );
  await assert.rejects(client(cut).get().resource("pods").into(), SyntaxError);
  const refused = fakeTransport(() =>
    json({ kind: "Status", code: 403, reason: "Forbidden", message: "no" }, 403)
  );
  await assert.rejects(
    client(refused).get().resource("pods").into(),
    (e: unknown) => e instanceof ApiError && e.code === 403,
  );
});

Deno.test("into(): a body broken mid-way is a TransportError; the signal and the timeout stop the read", async () => {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const half = (req: { signal: AbortSignal }) =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(c) {
          controller = c;
          c.enqueue(new TextEncoder().encode('{"items":[{"a":1},'));
          req.signal.addEventListener("abort", () => c.error(req.signal.reason));
        },
      }),
      { headers: { "content-type": "application/json" } },
    );
  const broken = client(fakeTransport(half)).get().resource("pods").into();
  await flushTasks();
  controller.error(new TypeError("connection reset"));
  await assert.rejects(broken, (e: unknown) => e instanceof TransportError && e.host === "k8s.test:6443");

  const ac = new AbortController();
  const aborted = client(fakeTransport(half)).get().resource("pods").signal(ac.signal).into();
  await flushTasks();
  ac.abort(new Error("stop reading"));
  await assert.rejects(aborted, /stop reading/);

  const clock = new FakeClock();
  const slow = client(fakeTransport(half), testConfig(), { clock }).get().resource("pods").timeout(100)
    .into();
  const rejected = assert.rejects(
    slow,
    (e: unknown) => e instanceof DOMException && e.name === "TimeoutError",
  );
  await clock.advance(100);
  await rejected;
});

// ---- warnings ----

Deno.test("warnings: parsed into result.warnings and given to the handler one by one", async () => {
  const t = fakeTransport(() =>
    json({}, 200, { warning: '299 - "v1beta1 is deprecated, use v1", 299 - "unknown field \\"spec.x\\""' })
  );
  const seen: Warning[] = [];
  const c = client(t, testConfig(), { warningHandler: (w) => seen.push(w) });
  const r = await c.get().resource("pods").do();
  assert.deepEqual(r.warnings, ["v1beta1 is deprecated, use v1", 'unknown field "spec.x"']);
  assert.deepEqual(seen, [
    { code: 299, agent: "-", text: "v1beta1 is deprecated, use v1" },
    { code: 299, agent: "-", text: 'unknown field "spec.x"' },
  ]);
  const throwing = client(t, testConfig(), {
    warningHandler: () => {
      throw new Error("handler bug");
    },
  });
  assert.equal((await throwing.get().resource("pods").do()).statusCode, 200);
});

// ---- rate limiting ----

Deno.test("rate limit: qps/burst from the config, shared by clients of one config; watches exempt", async () => {
  const clock = new FakeClock();
  const t = fakeTransport((req) =>
    new URL(req.url).searchParams.get("watch") === "true" ? new Response(new ReadableStream()) : json({})
  );
  const config = testConfig({ qps: 1, burst: 2 });
  const a = client(t, config, { rateLimiter: undefined, clock });
  const b = client(t, config, { rateLimiter: undefined, clock, apiPath: "/apis", groupVersion: "apps/v1" });
  assert.equal(a.rateLimiter, b.rateLimiter);
  assert.equal(a.rateLimiter?.qps(), 1);
  await a.get().resource("pods").do();
  await b.get().resource("deployments").do();
  let third = false;
  const p = a.get().resource("pods").do().then(() => third = true);
  await flushTasks();
  assert.equal(third, false);
  assert.equal(t.calls.length, 2);
  // A watch does not wait for a token.
  const w = await a.get().resource("pods").watch();
  assert.equal(t.calls.length, 3);
  w.stop();
  await clock.advance(999);
  assert.equal(third, false);
  await clock.advance(1);
  await p;
  assert.equal(third, true);
  assert.equal(t.calls.length, 4);
});

Deno.test("rate limit: defaults 5/10, negative qps disables, null disables, an explicit limiter is used", async () => {
  const t = fakeTransport(ok);
  assert.equal(client(t, testConfig(), { rateLimiter: undefined }).rateLimiter?.qps(), 5);
  assert.equal(client(t, testConfig({ qps: -1 }), { rateLimiter: undefined }).rateLimiter, undefined);
  assert.equal(client(t, testConfig(), { rateLimiter: null }).rateLimiter, undefined);
  let accepted = 0;
  const limiter = {
    tryAccept: () => true,
    accept: () => {
      accepted++;
      return Promise.resolve();
    },
    qps: () => 7,
  };
  await client(t, testConfig(), { rateLimiter: limiter }).get().resource("pods").do();
  assert.equal(accepted, 1);
});

// ---- retries ----

Deno.test("retry: 429 and 5xx with Retry-After wait that many seconds on the clock, then succeed", async () => {
  const clock = new FakeClock();
  const answers = [
    () => json({ kind: "Status", code: 429, reason: "TooManyRequests" }, 429, { "retry-after": "2" }),
    () => new Response("busy", { status: 503, headers: { "retry-after": "3" } }),
    () => json({ kind: "Pod", metadata: { name: "x" } }, 201),
  ];
  const t = fakeTransport(() => answers.shift()!());
  const c = client(t, testConfig(), { clock });
  let done = false;
  const p = c.post().resource("pods").body({ metadata: { name: "x" } }).do().then((r) => {
    done = true;
    return r;
  });
  await flushTasks();
  assert.equal(t.calls.length, 1);
  await clock.advance(1999);
  assert.equal(t.calls.length, 1);
  await clock.advance(1);
  assert.equal(t.calls.length, 2);
  await clock.advance(2999);
  assert.equal(t.calls.length, 2);
  assert.equal(done, false);
  await clock.advance(1);
  const r = await p;
  assert.equal(r.statusCode, 201);
  assert.equal(t.calls.length, 3);
  // The body is sent again, unchanged, on every attempt.
  assert.deepEqual(t.calls.map((c) => c.body), Array(3).fill('{"metadata":{"name":"x"}}'));
});

Deno.test("retry: at most maxRetries retries, then the last answer's ApiError", async () => {
  const clock = new FakeClock();
  const t = fakeTransport(() =>
    json({ kind: "Status", code: 503, message: "unavailable" }, 503, { "retry-after": "1" })
  );
  const c = client(t, testConfig(), { clock, maxRetries: 3 });
  const p = c.get().resource("pods").do();
  const rejected = assert.rejects(
    p,
    (e: unknown) => e instanceof ApiError && e.code === 503 && e.retryAfterSeconds === 1,
  );
  for (let i = 0; i < 3; i++) await clock.advance(1000);
  await rejected;
  assert.equal(t.calls.length, 4);
});

Deno.test("retry: the default maxRetries is 10", async () => {
  const clock = new FakeClock();
  const t = fakeTransport(() => new Response("", { status: 429, headers: { "retry-after": "0" } }));
  const p = client(t, testConfig(), { clock }).get().resource("pods").do();
  const rejected = assert.rejects(p, ApiError);
  for (let i = 0; i < 12; i++) await clock.advance(0);
  await rejected;
  assert.equal(t.calls.length, 11);
});

Deno.test("retry: 5xx without Retry-After and 4xx with it are not retried", async () => {
  const clock = new FakeClock();
  const t = fakeTransport((req) =>
    req.url.endsWith("/a")
      ? new Response("<html>bad gateway</html>", { status: 502 })
      : new Response("", { status: 409, headers: { "retry-after": "1" } })
  );
  const c = client(t, testConfig(), { clock });
  await assert.rejects(
    c.get().absPath("/a").do(),
    (e: unknown) => isInternalError(e) && /bad gateway/.test((e as Error).message),
  );
  await assert.rejects(c.put().absPath("/b").do(), (e: unknown) => e instanceof ApiError && e.code === 409);
  assert.equal(t.calls.length, 2);
});

Deno.test("retry: an abort during the Retry-After wait rejects with the signal's reason", async () => {
  const clock = new FakeClock();
  const t = fakeTransport(() => new Response("", { status: 429, headers: { "retry-after": "60" } }));
  const ac = new AbortController();
  const p = client(t, testConfig(), { clock }).get().resource("pods").signal(ac.signal).do();
  await flushTasks();
  ac.abort(new Error("stop now"));
  await assert.rejects(p, /stop now/);
  assert.equal(t.calls.length, 1);
  assert.equal(clock.waiters(), 0);
});

Deno.test("retry: a GET whose connection failed is retried with backoff; a POST is not", async () => {
  const clock = new FakeClock();
  let failures = 2;
  const t = fakeTransport(() => {
    if (failures-- > 0) {
      throw new TypeError("fetch failed", { cause: new Error("Connection refused (os error 111)") });
    }
    return json({ kind: "PodList", items: [] });
  });
  const c = client(t, testConfig(), { clock, random: () => 0 });
  const p = c.get().resource("pods").do();
  await flushTasks();
  assert.equal(t.calls.length, 1);
  await clock.advance(249);
  assert.equal(t.calls.length, 1);
  await clock.advance(1);
  assert.equal(t.calls.length, 2);
  await clock.advance(500);
  assert.equal((await p).statusCode, 200);
  assert.equal(t.calls.length, 3);

  failures = 1;
  await assert.rejects(
    c.post().resource("pods").body({}).do(),
    (e: unknown) =>
      e instanceof TransportError && e.host === "k8s.test:6443" && /Connection refused/.test(e.message),
  );
  assert.equal(t.calls.length, 4);
});

Deno.test("retry: connection retries stop after maxConnectionRetries; TLS failures are not retried", async () => {
  const clock = new FakeClock();
  const t = fakeTransport((req) => {
    if (req.url.endsWith("/tls")) {
      throw new TypeError("fetch failed", { cause: new Error("invalid peer certificate: UnknownIssuer") });
    }
    throw new TypeError("fetch failed", { cause: new Error("connection reset") });
  });
  const c = client(t, testConfig(), { clock, random: () => 0, maxConnectionRetries: 2 });
  const p = c.get().absPath("/down").do();
  const rejected = assert.rejects(p, TransportError);
  await clock.advance(250);
  await clock.advance(500);
  await rejected;
  assert.equal(t.calls.length, 3);
  await assert.rejects(
    c.get().absPath("/tls").do(),
    (e: unknown) => e instanceof TransportError && /UnknownIssuer/.test(e.message),
  );
  assert.equal(t.calls.length, 4);
});

Deno.test("401: the auth provider drops its credential and the request is sent once more", async () => {
  let generation = 0;
  let dropped = 0;
  const auth: AuthProvider = {
    authorize(h) {
      h.set("Authorization", `Bearer token-${generation}`);
      return Promise.resolve();
    },
    onUnauthorized() {
      dropped++;
      generation++;
    },
  };
  const t = fakeTransport((req) =>
    req.headers.get("authorization") === "Bearer token-1"
      ? json({ kind: "Pod" })
      : json({ kind: "Status", code: 401, reason: "Unauthorized", message: "Unauthorized" }, 401)
  );
  const c = client(t, testConfig({ auth }));
  assert.equal((await c.get().resource("pods").do()).statusCode, 200);
  assert.equal(dropped, 1);
  assert.deepEqual(t.calls.map((x) => headerValues(x, "authorization")[0]), [
    "Bearer token-0",
    "Bearer token-1",
  ]);

  // A second 401 in a row is final.
  generation = 5;
  await assert.rejects(c.get().resource("pods").do(), isUnauthorized);
  assert.equal(dropped, 2);
  assert.equal(t.calls.length, 4);

  // Without onUnauthorized there is nothing to refresh: no retry.
  const t2 = fakeTransport(() => new Response("", { status: 401 }));
  await assert.rejects(
    client(t2, testConfig({ bearerToken: "x" })).get().resource("pods").do(),
    isUnauthorized,
  );
  assert.equal(t2.calls.length, 1);
});

// ---- errors ----

Deno.test("errors: a Status body becomes an ApiError with method and path, and no secret", async () => {
  const t = fakeTransport(() =>
    json({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      code: 404,
      reason: "NotFound",
      message: 'pods "web" not found',
      details: { name: "web", kind: "pods" },
    }, 404)
  );
  const c = client(t, testConfig({ bearerToken: "s3cret-token" }));
  const err = await c.get().namespace("default").resource("pods").name("web").param("labelSelector", "a=b")
    .do()
    .then(() => undefined, (e) => e);
  assert.ok(err instanceof ApiError);
  assert.ok(isNotFound(err));
  assert.equal(err.message, 'pods "web" not found');
  assert.equal(err.method, "GET");
  assert.equal(err.path, "/api/v1/namespaces/default/pods/web");
  const everything = `${err.message} ${err.stack} ${JSON.stringify(err)} ${JSON.stringify(err.status)}`;
  assert.ok(!everything.includes("s3cret-token"));
});

Deno.test("errors: a body that is not a Status names the verb, resource and name, as client-go", async () => {
  const t = fakeTransport(() => new Response("404 page not found", { status: 404 }));
  const err = await client(t).get().namespace("default").resource("configmaps").name("foo").do()
    .then(() => undefined, (e) => e);
  assert.ok(err instanceof ApiError);
  assert.ok(isNotFound(err));
  assert.equal(err.message, "the server could not find the requested resource (get configmaps foo)");
  const apps = client(t, testConfig(), { apiPath: "/apis", groupVersion: "apps/v1" });
  const list = await apps.get().resource("deployments").do().then(() => undefined, (e) => e);
  assert.equal(list.message, "the server could not find the requested resource (get deployments.apps)");
});

Deno.test("errors: a refused connection is a TransportError naming the host, without the query", async () => {
  const t = fakeTransport(() => {
    throw new TypeError("fetch failed", { cause: new Error("tcp connect error: Connection refused") });
  });
  const err = await client(t, testConfig(), { maxConnectionRetries: 0 }).post().resource("pods").param(
    "dryRun",
    "All",
  )
    .body({}).do().then(() => undefined, (e) => e);
  assert.ok(err instanceof TransportError);
  assert.equal(err.host, "k8s.test:6443");
  assert.equal(err.path, "/api/v1/pods");
  assert.match(err.message, /^Cannot connect to k8s\.test:6443: /);
});

// ---- timeouts and abort ----

Deno.test("timeout: do() rejects with TimeoutError on the clock and tells the server", async () => {
  const clock = new FakeClock();
  const t = fakeTransport(hangUntilAborted);
  const p = client(t, testConfig(), { clock }).get().resource("pods").timeout(1500).do();
  const rejected = assert.rejects(p, (e: unknown) => e instanceof DOMException && e.name === "TimeoutError");
  await clock.advance(1499);
  assert.equal(t.calls[0].signal?.aborted, false);
  await clock.advance(1);
  await rejected;
  assert.equal(t.calls[0].url.searchParams.get("timeout"), "1500ms");

  const fromConfig = client(t, testConfig({ timeoutMs: 500 }), { clock }).get().resource("pods").do();
  const rejected2 = assert.rejects(
    fromConfig,
    (e: unknown) => e instanceof DOMException && e.name === "TimeoutError",
  );
  await clock.advance(500);
  await rejected2;
  assert.equal(clock.waiters(), 0);
});

Deno.test("timeout: do() also bounds reading the body", async () => {
  const clock = new FakeClock();
  let cancelled = false;
  const t = fakeTransport((req) => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("{"));
        req.signal.addEventListener("abort", () => c.error(req.signal.reason));
      },
      cancel() {
        cancelled = true;
      },
    });
    return new Response(body);
  });
  const p = client(t, testConfig(), { clock }).get().resource("pods").timeout(100).do();
  const rejected = assert.rejects(p, (e: unknown) => e instanceof DOMException && e.name === "TimeoutError");
  await clock.advance(100);
  await rejected;
  assert.equal(cancelled || t.calls[0].signal?.aborted, true);
});

Deno.test("abort: the signal rejects do() with its reason", async () => {
  const t = fakeTransport(hangUntilAborted);
  const ac = new AbortController();
  const p = client(t).get().resource("pods").signal(ac.signal).do();
  await flushTasks();
  ac.abort();
  await assert.rejects(p, (e: unknown) => e instanceof DOMException && e.name === "AbortError");
  const already = AbortSignal.abort(new Error("before"));
  await assert.rejects(client(t).get().resource("pods").signal(already).do(), /before/);
});

// ---- stream and watch ----

function frames(...events: unknown[]): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(events.map((e) => JSON.stringify(e) + "\n").join(""));
}

Deno.test("stream: the raw body; the timeout covers only the wait for headers", async () => {
  const clock = new FakeClock();
  let push!: (s: string) => void;
  let end!: () => void;
  const t = fakeTransport(() =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(c) {
          push = (s) => c.enqueue(new TextEncoder().encode(s));
          end = () => c.close();
        },
      }),
    )
  );
  const stream = await client(t, testConfig({ timeoutMs: 1000 }), { clock }).get().namespace("d").resource(
    "pods",
  )
    .name("p").subResource("log").param("follow", true).stream();
  assert.equal(t.calls[0].url.searchParams.get("timeout"), null);
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  push("line 1\n");
  assert.equal((await reader.read()).value, "line 1\n");
  await clock.advance(5000);
  push("line 2\n");
  assert.equal((await reader.read()).value, "line 2\n");
  end();
  assert.equal((await reader.read()).done, true);
});

Deno.test("watch: events in order, watch=true, ERROR events yielded, end when the server closes", async () => {
  const t = fakeTransport(() =>
    new Response(
      frames(
        { type: "ADDED", object: { kind: "Pod", metadata: { name: "a", resourceVersion: "1" } } },
        { type: "MODIFIED", object: { kind: "Pod", metadata: { name: "a", resourceVersion: "2" } } },
        { type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } },
      ),
    )
  );
  const w = await client(t).get().namespace("default").resource("pods")
    .params({ resourceVersion: "0", allowWatchBookmarks: true }).watch();
  const seen: string[] = [];
  for await (const e of w) {
    seen.push(`${e.type}:${e.object.metadata?.resourceVersion ?? (e.object as { code?: number }).code}`);
  }
  assert.deepEqual(seen, ["ADDED:1", "MODIFIED:2", "ERROR:410"]);
  const q = t.calls[0].url.searchParams;
  assert.equal(q.get("watch"), "true");
  assert.equal(q.get("resourceVersion"), "0");
  assert.equal(q.get("allowWatchBookmarks"), "true");
});

function liveBody(): { response: () => Response; push: (e: unknown) => void; cancelled: Promise<unknown> } {
  let onCancel!: (r: unknown) => void;
  const cancelled = new Promise<unknown>((r) => onCancel = r);
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel(reason) {
      onCancel(reason ?? "cancelled");
    },
  });
  return { response: () => new Response(body), push: (e) => controller.enqueue(frames(e)), cancelled };
}

Deno.test("watch: stop() cancels the body stream at once and ends the iteration", async () => {
  const live = liveBody();
  const t = fakeTransport(live.response);
  const w = await client(t).get().resource("pods").watch();
  const it = w[Symbol.asyncIterator]();
  live.push({ type: "ADDED", object: { metadata: { name: "a" } } });
  assert.equal((await it.next()).value?.type, "ADDED");
  const pending = it.next();
  w.stop();
  assert.deepEqual(await pending, { value: undefined, done: true });
  await live.cancelled;
  assert.equal(t.calls[0].signal?.aborted, true);
  w.stop();
});

Deno.test("watch: stop() before iterating releases the body", async () => {
  const live = liveBody();
  const w = await client(fakeTransport(live.response)).get().resource("pods").watch();
  w.stop();
  await live.cancelled;
  const seen = [];
  for await (const e of w) seen.push(e);
  assert.deepEqual(seen, []);
});

Deno.test("watch: breaking out of the loop cancels the body", async () => {
  const live = liveBody();
  const w = await client(fakeTransport(live.response)).get().resource("pods").watch();
  live.push({ type: "ADDED", object: { metadata: { name: "a" } } });
  for await (const _e of w) break;
  await live.cancelled;
});

Deno.test("watch: the request's signal cancels the body and rejects the iteration with its reason", async () => {
  const live = liveBody();
  const ac = new AbortController();
  const w = await client(fakeTransport(live.response)).get().resource("pods").signal(ac.signal).watch();
  const it = w[Symbol.asyncIterator]();
  const pending = it.next();
  ac.abort(new Error("shutting down"));
  await assert.rejects(pending, /shutting down/);
  await live.cancelled;
});

Deno.test("watch: the configured timeout does not cut the stream; .timeout() becomes timeoutSeconds", async () => {
  const clock = new FakeClock();
  const live = liveBody();
  const t = fakeTransport(live.response);
  const w = await client(t, testConfig({ timeoutMs: 30_000 }), { clock }).get().resource("pods").watch();
  const it = w[Symbol.asyncIterator]();
  await clock.advance(60_000);
  // Only the watch's own client-side deadline (one hour plus grace without timeoutSeconds) is pending.
  assert.equal(clock.waiters(), 1);
  live.push({ type: "ADDED", object: { metadata: { name: "late" } } });
  assert.equal((await it.next()).value?.object.metadata?.name, "late");
  assert.equal(t.calls[0].signal?.aborted, false);
  assert.equal(t.calls[0].url.searchParams.get("timeout"), null);
  assert.equal(t.calls[0].url.searchParams.get("timeoutSeconds"), null);
  w.stop();

  const t2 = fakeTransport(() => new Response(""));
  await client(t2, testConfig(), { clock }).get().resource("pods").timeout(290_500).watch();
  assert.equal(t2.calls[0].url.searchParams.get("timeoutSeconds"), "291");
  await client(t2, testConfig(), { clock }).get().resource("pods").param("timeoutSeconds", 5).timeout(9000)
    .watch();
  assert.deepEqual(t2.calls[1].url.searchParams.getAll("timeoutSeconds"), ["5"]);
});

Deno.test("watch: a refused watch is an ApiError; a broken stream a TransportError", async () => {
  const t = fakeTransport(() => json({ kind: "Status", code: 403, reason: "Forbidden", message: "no" }, 403));
  await assert.rejects(
    client(t).get().resource("pods").watch(),
    (e: unknown) => e instanceof ApiError && e.code === 403,
  );
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const t2 = fakeTransport(() => new Response(new ReadableStream({ start: (c) => void (controller = c) })));
  const w = await client(t2).get().resource("pods").watch();
  const it = w[Symbol.asyncIterator]();
  const pending = it.next();
  controller.error(new TypeError("connection reset"));
  await assert.rejects(pending, (e: unknown) => e instanceof TransportError && e.host === "k8s.test:6443");
});

Deno.test("watch: maxWatchFrameBytes of the configuration limits one frame", async () => {
  const frame = JSON.stringify({ type: "ADDED", object: { metadata: { name: "x".repeat(500) } } }) + "\n";
  const t = fakeTransport(() => new Response(frame + frame));
  const events: unknown[] = [];
  const small = await client(t, testConfig({ maxWatchFrameBytes: 100 })).get().resource("pods").watch();
  await assert.rejects(async () => {
    for await (const e of small) events.push(e);
  }, (e: unknown) => e instanceof WatchDecodeError && /too large/.test(e.message));
  assert.equal(events.length, 0);
  const fits = await client(t, testConfig({ maxWatchFrameBytes: 1000 })).get().resource("pods").watch();
  for await (const e of fits) events.push(e);
  assert.equal(events.length, 2);
});

Deno.test("close: releases the transport", () => {
  const t = fakeTransport(ok);
  client(t).close();
  assert.equal(t.closed, 1);
});

Deno.test("restClientFor fails at construction when the runtime cannot serve the configuration", async () => {
  const { webRuntime } = await import("./runtime/web.ts");
  const { RuntimeCapabilityError } = await import("./runtime/runtime.ts");
  const config: RestConfig = {
    host: "https://127.0.0.1:6443",
    namespace: "default",
    caPem: "-----BEGIN CERTIFICATE-----\n",
    bearerToken: "sekret-token-value",
  };
  assert.throws(
    () => restClientFor(config, { apiPath: "/api", groupVersion: "v1", runtime: webRuntime }),
    (e: unknown) => {
      assert.ok(e instanceof RuntimeCapabilityError);
      assert.match(e.message, /^The web runtime cannot use a custom certificate authority with fetch/);
      assert.ok(!e.message.includes("sekret-token-value"));
      return true;
    },
  );
});

// ---- headers built once per client ----

Deno.test("headers: the client's fixed headers are built once, and again when the configuration's credentials change", async () => {
  const t = fakeTransport(ok);
  const config = testConfig({ bearerToken: "one", impersonate: { userName: "jane" } });
  const c = client(t, config);
  await c.get().resource("pods").do();
  await c.post().resource("pods").body({ kind: "Pod" }).do();
  config.bearerToken = "two";
  await c.get().resource("pods").do();
  await c.get().resource("pods").header("Accept", "text/plain").do();
  assert.deepEqual(t.calls.map((call) => headerValues(call, "authorization")), [
    ["Bearer one"],
    ["Bearer one"],
    ["Bearer two"],
    ["Bearer two"],
  ]);
  assert.deepEqual(t.calls.map((call) => headerValues(call, "content-type")), [
    [],
    ["application/json"],
    [],
    [],
  ]);
  assert.deepEqual(t.calls.map((call) => headerValues(call, "accept")), [
    ["application/json"],
    ["application/json"],
    ["application/json"],
    ["text/plain"],
  ]);
  for (const call of t.calls) assert.deepEqual(headerValues(call, "impersonate-user"), ["jane"]);
});

Deno.test("url: a changed host in the configuration is used by the next request", async () => {
  const t = fakeTransport(ok);
  const config = testConfig();
  const c = client(t, config);
  await c.get().resource("pods").do();
  config.host = "https://other.test:7443/prefix/";
  await c.get().resource("pods").do();
  assert.deepEqual(t.calls.map((call) => call.url.href), [
    `${testConfig().host.replace(/\/$/, "")}/api/v1/pods`,
    "https://other.test:7443/prefix/api/v1/pods",
  ]);
});

Deno.test("a RestConfig built by hand for a plain http server keeps and sends what the caller put in it", async () => {
  // Only a kubeconfig with a plain http server loses its credentials (restConfigFromKubeConfig); a
  // configuration the caller builds is the caller's choice, as client-go's rest.Config.
  const t = fakeTransport(ok);
  await client(t, testConfig({ host: "http://127.0.0.1:8080", bearerToken: "hand-token" })).get()
    .resource("pods").do();
  assert.equal(t.calls.length, 1);
  assert.equal(t.calls[0].url.protocol, "http:");
  assert.deepEqual(headerValues(t.calls[0], "authorization"), ["Bearer hand-token"]);
});
