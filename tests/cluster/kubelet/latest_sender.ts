/**
 * Sends the latest version of something (a pod's status) one send at a time: reports made while a send
 * is in flight coalesce into one more send afterwards, and no report is ever left unsent. Failed sends
 * are retried with an exponential back-off.
 *
 * @module
 */

/** What a send decided: `retry` sends again after the back-off; `stop` ends sending for good. */
export type SendOutcome = "sent" | "retry" | "stop";

/** Options of {@linkcode LatestSender}. */
export interface LatestSenderOptions {
  /** The first retry delay and its cap, in ms (default 500 and 5000); a send that throws is retried too. */
  backoff?: { initialMs: number; maxMs: number };
}

/** One send at a time of whatever is latest when the send starts. */
export class LatestSender {
  #send: () => Promise<SendOutcome>;
  #backoff: { initialMs: number; maxMs: number };
  #dirty = false;
  #stopped = false;
  #loop?: Promise<void>;

  /** `send` reads the latest state itself when it is called. */
  constructor(send: () => Promise<SendOutcome>, options: LatestSenderOptions = {}) {
    this.#send = send;
    this.#backoff = options.backoff ?? { initialMs: 500, maxMs: 5000 };
  }

  /** Asks for a send of the latest state (now, or after the one in flight). */
  report(): void {
    if (this.#stopped) return;
    this.#dirty = true;
    this.#loop ??= this.#run();
  }

  /** Resolves when no send is in flight or pending. */
  async idle(): Promise<void> {
    while (this.#loop) await this.#loop;
  }

  /** Whether a send said `stop`. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /**
   * The loop clears `#loop` in the same step as its last look at `#dirty`. Cleared later (a `.finally`
   * callback runs a microtask after the loop ended), a report made in between found the ending loop still
   * set, started none, and its state was never sent: the test kubelet once showed a running container as
   * ContainerCreating for good that way.
   */
  async #run(): Promise<void> {
    await undefined; // `report` has assigned #loop before the loop can end and clear it
    try {
      // The loop is here, not in a function awaited here: an await between its end and the finally would
      // reopen the gap.
      let failures = 0;
      while (this.#dirty && !this.#stopped) {
        this.#dirty = false;
        let outcome: SendOutcome;
        try {
          outcome = await this.#send();
        } catch {
          outcome = "retry";
        }
        if (outcome === "stop") this.#stopped = true;
        else if (outcome === "sent") failures = 0;
        else {
          this.#dirty = true;
          const { initialMs, maxMs } = this.#backoff;
          await new Promise((r) => setTimeout(r, Math.min(initialMs * 2 ** failures++, maxMs)));
        }
      }
    } finally {
      this.#loop = undefined;
    }
  }
}
