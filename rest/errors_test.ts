import assert from "node:assert/strict";
import {
  ApiError,
  apiErrorFromResponse,
  apiErrorFromStatus,
  isAlreadyExists,
  isBadRequest,
  isConflict,
  isForbidden,
  isGone,
  isInternalError,
  isInvalid,
  isMethodNotSupported,
  isNotAcceptable,
  isNotFound,
  isRequestEntityTooLarge,
  isResourceExpired,
  isServerTimeout,
  isServiceUnavailable,
  isTimeout,
  isTooLargeResourceVersion,
  isTooManyRequests,
  isUnauthorized,
  isUnexpectedServerError,
  isUnsupportedMediaType,
  reasonForError,
  retryAfterSeconds,
  TransportError,
  WatchDecodeError,
} from "./errors.ts";
import type { Status } from "./types.ts";

const GET = {
  method: "GET",
  url: "https://10.0.0.1:6443/api/v1/namespaces/default/pods/web?watch=1&token=s3cr3t",
};

function status(code: number, reason: string, message = "m", extra: Partial<Status> = {}): Status {
  return { kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message, ...extra };
}

Deno.test("ApiError carries the Status, method and path without the query", () => {
  const s = status(404, "NotFound", 'pods "web" not found', { details: { name: "web", kind: "pods" } });
  const e = apiErrorFromResponse(404, new Headers(), JSON.stringify(s), GET);
  assert.ok(e instanceof ApiError);
  assert.ok(e instanceof Error);
  assert.equal(e.name, "ApiError");
  assert.equal(e.message, 'pods "web" not found');
  assert.equal(e.code, 404);
  assert.equal(e.reason, "NotFound");
  assert.deepEqual(e.details, { name: "web", kind: "pods" });
  assert.deepEqual(e.status, s);
  assert.equal(e.method, "GET");
  assert.equal(e.path, "/api/v1/namespaces/default/pods/web");
  assert.ok(!String(e).includes("s3cr3t"));
  assert.ok(!JSON.stringify({ ...e }).includes("s3cr3t"));
  assert.equal(e.retryAfterSeconds, undefined);
  assert.equal(isUnexpectedServerError(e), false);
});

Deno.test("a Status body without a code takes the HTTP code", () => {
  const body = JSON.stringify({ kind: "Status", status: "Failure", reason: "Conflict", message: "stale" });
  const e = apiErrorFromResponse(409, new Headers(), body, { method: "PUT", url: "/api/v1/x" });
  assert.equal(e.code, 409);
  assert.equal(e.status.code, 409);
  assert.ok(isConflict(e));
  assert.equal(e.path, "/api/v1/x");
});

Deno.test("a Status body keeps the server's reason even when it differs from the HTTP mapping", () => {
  const body = JSON.stringify(status(409, "AlreadyExists", 'pods "a" already exists'));
  const e = apiErrorFromResponse(409, new Headers(), body, { method: "POST", url: "/api/v1/pods" });
  assert.ok(isAlreadyExists(e));
  assert.ok(!isConflict(e), "AlreadyExists is a known reason, so 409 does not make it a Conflict");
});

Deno.test("a body that is not a Status maps the HTTP code to client-go's reason", () => {
  const cases: [number, string, (e: unknown) => boolean][] = [
    [400, "BadRequest", isBadRequest],
    [401, "Unauthorized", isUnauthorized],
    [403, "Forbidden", isForbidden],
    [404, "NotFound", isNotFound],
    [405, "MethodNotAllowed", isMethodNotSupported],
    [406, "NotAcceptable", isNotAcceptable],
    [409, "Conflict", isConflict],
    // client-go's NewGenericServerResponse has no reason for 410 and 413: the code alone matches.
    [410, "", isGone],
    [413, "", isRequestEntityTooLarge],
    [415, "UnsupportedMediaType", isUnsupportedMediaType],
    [422, "Invalid", isInvalid],
    [429, "TooManyRequests", isTooManyRequests],
    [500, "InternalError", isInternalError],
    [502, "InternalError", isInternalError],
    [503, "ServiceUnavailable", isServiceUnavailable],
    [504, "Timeout", isTimeout],
  ];
  for (const body of ["", "<html><body>Bad gateway</body></html>", '{"kind":"Status","sta']) {
    for (const [code, reason, pred] of cases) {
      const e = apiErrorFromResponse(code, new Headers(), body, GET);
      assert.equal(e.reason, reason, `${code} ${JSON.stringify(body)}`);
      assert.equal(e.code, code);
      assert.ok(pred(e), `${code} predicate`);
      assert.ok(isUnexpectedServerError(e));
      assert.equal(e.status.status, "Failure");
      assert.ok(e.message.length > 0);
    }
  }
});

Deno.test("409 for a POST without a Status is AlreadyExists, as client-go maps it", () => {
  const e = apiErrorFromResponse(409, new Headers(), "", { method: "post", url: "/api/v1/namespaces" });
  assert.ok(isAlreadyExists(e));
  assert.ok(!isConflict(e));
  assert.equal(e.method, "POST");
});

Deno.test("an unmapped 4xx without a Status has no reason, and no predicate matches", () => {
  const e = apiErrorFromResponse(418, new Headers(), "teapot", GET);
  assert.equal(e.reason, "");
  assert.equal(e.code, 418);
  for (
    const pred of [isNotFound, isConflict, isForbidden, isBadRequest, isInternalError, isTimeout, isGone]
  ) assert.equal(pred(e), false);
  assert.match(e.message, /418/);
});

Deno.test("the body excerpt is whitespace-collapsed and at most 200 characters", () => {
  const html = "<html>\n  <head>\t<title>502   Bad Gateway</title></head>\n" + "x".repeat(5000) + "</html>";
  const e = apiErrorFromResponse(502, new Headers(), html, GET);
  const cause = e.details?.causes?.[0];
  assert.equal(cause?.reason, "UnexpectedServerResponse");
  assert.ok(cause!.message!.length <= 200);
  assert.ok(cause!.message!.startsWith("<html> <head> <title>502 Bad Gateway</title></head> xxx"));
  assert.ok(e.message.includes("<title>502 Bad Gateway</title>"));
  assert.ok(e.message.length < 400);
  const short = apiErrorFromResponse(500, new Headers(), "  oops \n\n ", GET);
  assert.equal(short.details?.causes?.[0].message, "oops");
  assert.equal(short.message, 'an error on the server ("oops") has prevented the request from succeeding');
});

Deno.test("Retry-After becomes retryAfterSeconds; the helper reads it", () => {
  const h = new Headers({ "Retry-After": "7" });
  const e = apiErrorFromResponse(429, h, "", GET);
  assert.equal(e.retryAfterSeconds, 7);
  assert.equal(retryAfterSeconds(e), 7);
  assert.equal(e.details?.retryAfterSeconds, 7);
  const withStatus = apiErrorFromResponse(
    503,
    h,
    JSON.stringify(status(503, "ServiceUnavailable", "busy")),
    GET,
  );
  assert.equal(retryAfterSeconds(withStatus), 7);
  const fromDetails = apiErrorFromResponse(
    429,
    new Headers(),
    JSON.stringify(status(429, "TooManyRequests", "slow down", { details: { retryAfterSeconds: 2 } })),
    GET,
  );
  assert.equal(retryAfterSeconds(fromDetails), 2);
  assert.equal(
    retryAfterSeconds(apiErrorFromResponse(500, new Headers({ "Retry-After": "soon" }), "", GET)),
    undefined,
  );
  assert.equal(retryAfterSeconds(apiErrorFromResponse(500, new Headers(), "", GET)), undefined);
  assert.equal(retryAfterSeconds(new Error("x")), undefined);
  assert.equal(retryAfterSeconds(undefined), undefined);
  // ServerTimeout always suggests a delay (0 when the server names none), as SuggestsClientDelay does.
  assert.equal(retryAfterSeconds(apiErrorFromStatus(status(500, "ServerTimeout", "t", { details: {} }))), 0);
});

Deno.test("predicates: reason first, code only when the reason is empty or unknown", () => {
  const cases: [string, number, (e: unknown) => boolean][] = [
    ["NotFound", 404, isNotFound],
    ["Conflict", 409, isConflict],
    ["Forbidden", 403, isForbidden],
    ["Unauthorized", 401, isUnauthorized],
    ["Invalid", 422, isInvalid],
    ["BadRequest", 400, isBadRequest],
    ["Gone", 410, isGone],
    ["TooManyRequests", 429, isTooManyRequests],
    ["Timeout", 504, isTimeout],
    ["InternalError", 500, isInternalError],
    ["MethodNotAllowed", 405, isMethodNotSupported],
  ];
  for (const [reason, code, pred] of cases) {
    assert.ok(pred(apiErrorFromStatus(status(code, reason))), `${reason} by reason`);
    assert.ok(pred(apiErrorFromStatus(status(999, reason))), `${reason} by reason, odd code`);
    assert.ok(pred(apiErrorFromStatus(status(code, ""))), `${reason} by code with empty reason`);
    assert.ok(pred(apiErrorFromStatus(status(code, "SomethingNew"))), `${reason} by code, unknown reason`);
    // A known, different reason with the same code does not match (429 matches whatever the reason).
    const other = reason === "InternalError" ? "ServerTimeout" : "AlreadyExists";
    assert.equal(pred(apiErrorFromStatus(status(code, other))), code === 429, `${reason} vs ${other}`);
    assert.equal(pred(new Error(reason)), false);
    assert.equal(pred({ code, reason }), false, "a plain object is not an ApiError");
    assert.equal(pred(undefined), false);
    assert.equal(pred(null), false);
    assert.equal(pred(String(code)), false);
  }
});

Deno.test("AlreadyExists and ServerTimeout match only by reason", () => {
  assert.ok(isAlreadyExists(apiErrorFromStatus(status(409, "AlreadyExists"))));
  assert.equal(isAlreadyExists(apiErrorFromStatus(status(409, ""))), false);
  assert.ok(isServerTimeout(apiErrorFromStatus(status(500, "ServerTimeout"))));
  assert.equal(isServerTimeout(apiErrorFromStatus(status(504, ""))), false);
  assert.equal(isInternalError(apiErrorFromStatus(status(500, "ServerTimeout"))), false);
});

Deno.test("isResourceExpired is reason Expired only; isGone is reason Gone or a bare 410", () => {
  assert.ok(isResourceExpired(apiErrorFromStatus(status(410, "Expired", "too old resource version"))));
  assert.ok(isResourceExpired(apiErrorFromStatus(status(0, "Expired"))), "by reason, whatever the code");
  assert.equal(isResourceExpired(apiErrorFromStatus(status(410, "Gone"))), false);
  assert.equal(isResourceExpired(apiErrorFromStatus(status(410, ""))), false);
  assert.equal(isResourceExpired(apiErrorFromResponse(410, new Headers(), "", GET)), false);
  assert.equal(isResourceExpired(apiErrorFromStatus(status(500, "InternalError"))), false);
  assert.equal(isResourceExpired(new Error("Expired")), false);
  assert.ok(isGone(apiErrorFromStatus(status(410, "Gone"))));
  assert.ok(isGone(apiErrorFromStatus(status(410, ""))));
  assert.ok(isGone(apiErrorFromResponse(410, new Headers(), "", GET)));
  assert.equal(isGone(apiErrorFromStatus(status(410, "Expired"))), false, "Expired is known: not Gone");
});

Deno.test("isTooManyRequests and isRequestEntityTooLarge match 429 and 413 whatever the reason", () => {
  for (const reason of ["", "SomethingNew", "InternalError", "Forbidden", "ServiceUnavailable"]) {
    assert.ok(isTooManyRequests(apiErrorFromStatus(status(429, reason))), `429 ${reason}`);
    assert.ok(isRequestEntityTooLarge(apiErrorFromStatus(status(413, reason))), `413 ${reason}`);
  }
  assert.ok(isTooManyRequests(apiErrorFromStatus(status(500, "TooManyRequests"))), "by reason");
  assert.ok(isRequestEntityTooLarge(apiErrorFromStatus(status(500, "RequestEntityTooLarge"))), "by reason");
  assert.equal(isTooManyRequests(apiErrorFromStatus(status(503, "ServiceUnavailable"))), false);
  assert.equal(isRequestEntityTooLarge(apiErrorFromStatus(status(400, "BadRequest"))), false);
  const wrapped = new Error("outer", { cause: apiErrorFromStatus(status(429, "Forbidden")) });
  assert.ok(isTooManyRequests(wrapped));
});

Deno.test("a non-Status body names verb, resource and name as NewGenericServerResponse", () => {
  const url = "https://h/api/v1/namespaces/default/configmaps/foo";
  const get = apiErrorFromResponse(404, new Headers(), "404 page not found", {
    method: "GET",
    url,
    resource: "configmaps",
    name: "foo",
  });
  assert.equal(get.message, "the server could not find the requested resource (get configmaps foo)");
  assert.equal(get.details?.kind, "configmaps");
  assert.equal(get.details?.name, "foo");
  assert.equal(get.details?.causes?.[0].message, "404 page not found");
  const list = apiErrorFromResponse(503, new Headers(), "<html>down</html>", {
    method: "GET",
    url: "https://h/apis/apps/v1/deployments",
    resource: "deployments.apps",
  });
  assert.equal(list.message, "the server is currently unable to handle the request (get deployments.apps)");
  assert.equal(list.details?.group, "apps");
  assert.equal(list.details?.kind, "deployments");
  const post = apiErrorFromResponse(409, new Headers(), "", {
    method: "POST",
    url: "https://h/api/v1/namespaces/default/configmaps",
    resource: "configmaps",
  });
  assert.equal(post.message, "the server reported a conflict (post configmaps)");
  assert.ok(isAlreadyExists(post));
  const forbidden = apiErrorFromResponse(403, new Headers(), "denied by proxy", { ...GET, resource: "pods" });
  assert.equal(forbidden.message, "denied by proxy (get pods)", "403 keeps the server's text");
  const plain = apiErrorFromResponse(404, new Headers(), "", { method: "GET", url: "/version" });
  assert.equal(plain.message, "the server could not find the requested resource");
  const unmapped = apiErrorFromResponse(418, new Headers(), "", { ...GET, resource: "pods", name: "web" });
  assert.equal(
    unmapped.message,
    "the server responded with the status code 418 but did not return more information (get pods web)",
  );
});

Deno.test("a Status body keeps the server's own message, with or without the request's resource", () => {
  const body = JSON.stringify(status(404, "NotFound", 'configmaps "foo" not found'));
  const e = apiErrorFromResponse(404, new Headers(), body, {
    method: "GET",
    url: "https://h/api/v1/namespaces/default/configmaps/foo",
    resource: "configmaps",
    name: "foo",
  });
  assert.equal(e.message, 'configmaps "foo" not found');
});

Deno.test("isTooLargeResourceVersion: a Timeout with the ResourceVersionTooLarge cause", () => {
  const fresh = status(504, "Timeout", "Too large resource version: 20, current: 10", {
    details: {
      causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
      retryAfterSeconds: 1,
    },
  });
  assert.ok(isTooLargeResourceVersion(apiErrorFromStatus(fresh)));
  const older = status(504, "Timeout", "x", {
    details: { causes: [{ message: "Too large resource version" }] },
  });
  assert.ok(isTooLargeResourceVersion(apiErrorFromStatus(older)));
  const byCode = status(504, "", "x", { details: { causes: [{ reason: "ResourceVersionTooLarge" }] } });
  assert.ok(isTooLargeResourceVersion(apiErrorFromStatus(byCode)));
  const notTimeout = status(500, "InternalError", "x", {
    details: { causes: [{ reason: "ResourceVersionTooLarge" }] },
  });
  assert.equal(isTooLargeResourceVersion(apiErrorFromStatus(notTimeout)), false);
  assert.equal(isTooLargeResourceVersion(apiErrorFromStatus(status(504, "Timeout"))), false);
  assert.equal(isTooLargeResourceVersion(new Error("Too large resource version")), false);
});

Deno.test("apiErrorFromStatus: a watch ERROR Status without a code keeps code 0", () => {
  const e = apiErrorFromStatus({ kind: "Status", status: "Failure", message: "boom" });
  assert.equal(e.code, 0);
  assert.equal(e.status.code, undefined, "the Status is kept as sent");
  assert.equal(e.message, "boom");
  assert.equal(isInternalError(e), false, "a Status without a code is not an internal error");
  assert.equal(new ApiError({ kind: "Status", status: "Failure", reason: "NotFound" }).code, 0);
  assert.ok(isNotFound(apiErrorFromStatus({ kind: "Status", status: "Failure", reason: "NotFound" })));
  const withReq = apiErrorFromStatus(status(410, "Expired"), {
    method: "get",
    url: new URL("https://h/api/v1/pods?watch=true"),
  });
  assert.equal(withReq.path, "/api/v1/pods");
  assert.equal(withReq.method, "GET");
});

Deno.test("predicates see an ApiError through a cause chain", () => {
  const inner = apiErrorFromStatus(status(404, "NotFound"));
  const outer = new Error("listing failed", { cause: new Error("wrapped", { cause: inner }) });
  assert.ok(isNotFound(outer));
  assert.equal(reasonForError(outer), "NotFound");
  assert.equal(reasonForError(new Error("x")), "");
  const loop: Error & { cause?: unknown } = new Error("loop");
  loop.cause = loop;
  assert.equal(isNotFound(loop), false);
});

Deno.test("TransportError names the host and the cause, without URL queries", () => {
  const cause = new TypeError(
    "error sending request for url (https://10.0.0.1:6443/api/v1/pods?token=s3cr3t): Connection refused",
  );
  const e = new TransportError("10.0.0.1:6443", {
    cause,
    method: "get",
    url: "https://10.0.0.1:6443/api/v1/pods?token=s3cr3t",
  });
  assert.equal(e.name, "TransportError");
  assert.ok(e instanceof Error);
  assert.equal(e.cause, cause);
  assert.equal(e.host, "10.0.0.1:6443");
  assert.equal(e.method, "GET");
  assert.equal(e.path, "/api/v1/pods");
  assert.match(e.message, /^Cannot connect to 10\.0\.0\.1:6443: /);
  assert.match(e.message, /Connection refused/);
  assert.ok(!e.message.includes("s3cr3t"));
  assert.equal(new TransportError("h", { cause: "reset" }).message, "Cannot connect to h: reset");
});

Deno.test("TransportError redacts query strings without breaking the message's parentheses", () => {
  const e = new TransportError("10.0.0.1:6443", {
    cause: new TypeError(
      "error sending request for url (https://10.0.0.1:6443/api/v1/pods?token=s3cr3t&x=1): Connection refused",
    ),
  });
  assert.equal(
    e.message,
    "Cannot connect to 10.0.0.1:6443: error sending request for url (https://10.0.0.1:6443/api/v1/pods): " +
      "Connection refused",
  );
  const selector = new TransportError("h", {
    cause: new Error("fetch failed (https://h/api/v1/pods?labelSelector=app+in+(a,b)&token=s3cr3t) reset"),
  });
  assert.equal(selector.message, "Cannot connect to h: fetch failed (https://h/api/v1/pods) reset");
  const fragment = new TransportError("h", {
    cause: new Error("bad 'https://h/x#frag' and https://h/y?q=1."),
  });
  assert.ok(!fragment.message.includes("frag") && !fragment.message.includes("q=1"), fragment.message);
});

Deno.test("WatchDecodeError has its name, event number and cause", () => {
  const cause = new SyntaxError("bad");
  const e = new WatchDecodeError("Invalid JSON at event 2", { event: 2, cause });
  assert.equal(e.name, "WatchDecodeError");
  assert.equal(e.event, 2);
  assert.equal(e.cause, cause);
  assert.equal(new WatchDecodeError("x").event, undefined);
});
