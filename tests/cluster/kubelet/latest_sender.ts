/**
 * Sends the latest version of something (a pod's status) one send at a time: reports made while a send
 * is in flight coalesce into one more send afterwards, and no report is ever left unsent.
 *
 * @module
 */

/** What a send decided: `retryAfterMs` sends again after that delay; `stop` ends sending for good. */
export type SendOutcome = "sent" | { retryAfterMs: number } | "stop";

/** One send at a time of whatever is latest when the send starts. */
export class LatestSender {
  #send: () => Promise<SendOutcome>;
  #dirty = false;
  #stopped = false;
  #loop?: Promise<void>;
  #errorRetryMs: number;

  /**
   * `send` reads the latest state itself when it is called; a send that throws is retried after
   * `errorRetryMs` (default 1000).
   */
  constructor(send: () => Promise<SendOutcome>, options: { errorRetryMs?: number } = {}) {
    this.#send = send;
    this.#errorRetryMs = options.errorRetryMs ?? 1000;
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
      while (this.#dirty && !this.#stopped) {
        this.#dirty = false;
        let outcome: SendOutcome;
        try {
          outcome = await this.#send();
        } catch {
          outcome = { retryAfterMs: this.#errorRetryMs };
        }
        if (outcome === "stop") this.#stopped = true;
        else if (outcome !== "sent") {
          this.#dirty = true;
          await new Promise((r) => setTimeout(r, outcome.retryAfterMs));
        }
      }
    } finally {
      this.#loop = undefined;
    }
  }
}
