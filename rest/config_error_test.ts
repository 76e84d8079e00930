import assert from "node:assert/strict";
import { ConfigError } from "./config_error.ts";
import { assertNoSecrets, TOKEN } from "./_config_fakes_test.ts";

Deno.test("ConfigError names the file in its message and carries field, cause and notFound", () => {
  const cause = new Error("underlying");
  const e = new ConfigError("users[a].user.token must be a string", {
    file: "/k/config",
    field: "users[a].user.token",
    cause,
  });
  assert.ok(e instanceof Error);
  assert.equal(e.name, "ConfigError");
  assert.equal(e.message, "/k/config: users[a].user.token must be a string");
  assert.equal(e.file, "/k/config");
  assert.equal(e.field, "users[a].user.token");
  assert.equal(e.cause, cause);
  assert.equal(e.notFound, false);
  const bare = new ConfigError("Nothing found", { notFound: true });
  assert.equal(bare.message, "Nothing found");
  assert.equal(bare.file, undefined);
  assert.equal(bare.notFound, true);
  assert.equal("cause" in bare, false);
});

Deno.test("the secret check used by the configuration tests catches leaks in messages and causes", () => {
  assert.throws(() => assertNoSecrets(new ConfigError(`bad ${TOKEN}`)), /A secret leaked/);
  assert.throws(
    () => assertNoSecrets(new ConfigError("fine", { cause: new Error(`inner ${TOKEN}`) })),
    /A secret leaked/,
  );
  assert.throws(() => assertNoSecrets(new ConfigError("fine"), ["fine"]), /A secret leaked/);
  assertNoSecrets(new ConfigError("fine"));
});
