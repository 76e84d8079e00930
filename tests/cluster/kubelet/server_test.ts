import assert from "node:assert/strict";
import { logOptions } from "./server.ts";

Deno.test("logOptions reads the kubelet's log query parameters", () => {
  const now = Date.UTC(2026, 0, 1, 0, 1, 0);
  const o = logOptions(
    new URLSearchParams("follow=true&timestamps=1&tailLines=5&limitBytes=100&sinceSeconds=30"),
    now,
  );
  assert.deepEqual(o, {
    follow: true,
    timestamps: true,
    tailLines: 5,
    limitBytes: 100,
    sinceTime: new Date(Date.UTC(2026, 0, 1, 0, 0, 30)),
  });
  const t = logOptions(new URLSearchParams("sinceTime=2026-01-01T00:00:10Z"), now);
  assert.deepEqual(t, {
    follow: false,
    timestamps: false,
    sinceTime: new Date(Date.UTC(2026, 0, 1, 0, 0, 10)),
  });
});

Deno.test("logOptions names a bad value", () => {
  assert.equal(
    logOptions(new URLSearchParams("tailLines=-1"), 0),
    'tailLines must be a non-negative integer, got "-1"',
  );
  assert.equal(
    logOptions(new URLSearchParams("sinceTime=yesterday"), 0),
    'sinceTime must be an RFC 3339 time, got "yesterday"',
  );
});
