import assert from "node:assert/strict";
import { LatestSender } from "./latest_sender.ts";

/** A sender whose sends record the state they read and wait for `release()`. */
function recordingSender(): {
  sender: LatestSender;
  sent: number[];
  state: { value: number };
  release(): void;
} {
  const state = { value: 0 };
  const sent: number[] = [];
  let pending: (() => void) | undefined;
  const sender = new LatestSender(async () => {
    const value = state.value;
    await new Promise<void>((r) => pending = r);
    sent.push(value);
    return "sent";
  });
  return { sender, sent, state, release: () => pending?.() };
}

Deno.test("latest sender: a report made as a send completes is sent, however the microtasks fall", async () => {
  // For each delay (in microtask turns) after a send resolves, report once more: that report must be sent.
  for (let turns = 0; turns < 8; turns++) {
    const { sender, sent, state, release } = recordingSender();
    state.value = 1;
    sender.report();
    await new Promise((r) => setTimeout(r, 0));
    release();
    for (let i = 0; i < turns; i++) await undefined;
    state.value = 2;
    sender.report();
    for (let i = 0; i < 50 && sent.at(-1) !== 2; i++) {
      await new Promise((r) => setTimeout(r, 0));
      release();
    }
    await sender.idle();
    assert.equal(sent.at(-1), 2, `report ${turns} microtasks after a send ended was lost: sent ${sent}`);
  }
});

Deno.test("latest sender: reports during a send coalesce into one more send of the latest state", async () => {
  const { sender, sent, state, release } = recordingSender();
  state.value = 1;
  sender.report();
  await new Promise((r) => setTimeout(r, 0));
  for (let v = 2; v <= 5; v++) {
    state.value = v;
    sender.report();
  }
  release();
  await new Promise((r) => setTimeout(r, 0));
  release();
  await sender.idle();
  assert.deepEqual(sent, [1, 5]);
});

Deno.test("latest sender: a failed or throwing send is retried; stop ends sending", async () => {
  const outcomes: Array<"sent" | "stop" | "retry" | Error> = [new Error("unreachable"), "retry", "stop"];
  let calls = 0;
  const sender = new LatestSender(() => {
    calls++;
    const o = outcomes.shift()!;
    return o instanceof Error ? Promise.reject(o) : Promise.resolve(o);
  }, { backoff: { initialMs: 1, maxMs: 2 } });
  sender.report();
  await sender.idle();
  assert.equal(calls, 3);
  assert.equal(sender.stopped, true);
  sender.report();
  await sender.idle();
  assert.equal(calls, 3, "no send after stop");
});
