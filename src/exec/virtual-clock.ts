/**
 * Time for the simulation: `sleep` returns at once in real time but the
 * clock only moves when every piece of work is waiting for it. Promise
 * callbacks (including p-limit's hand-over to the next job) are microtasks,
 * which all run before a `setImmediate` callback; so when the clock's
 * immediate fires, every runnable step has already asked to sleep, and
 * jumping to the earliest wake-up is exactly what a real clock would do.
 */
interface Timer {
  readonly at: number;
  readonly wake: () => void;
}

export class VirtualClock {
  #now = 0;
  #timers: Timer[] = [];
  #advancing = false;

  readonly now = (): number => this.#now;

  sleep(seconds: number): Promise<void> {
    return new Promise((resolve) => {
      // Timers are kept in wake-up order; equal times wake in the order they were set.
      const at = this.#now + seconds;
      const index = this.#timers.findIndex((timer) => timer.at > at);
      const timer = { at, wake: resolve };
      if (index === -1) this.#timers.push(timer);
      else this.#timers.splice(index, 0, timer);
      this.#advanceSoon();
    });
  }

  #advanceSoon(): void {
    if (this.#advancing) return;
    this.#advancing = true;
    setImmediate(() => {
      this.#advancing = false;
      const next = this.#timers[0];
      if (next === undefined) return;
      this.#now = next.at;
      while (this.#timers[0]?.at === next.at) this.#timers.shift()?.wake();
      if (this.#timers.length > 0) this.#advanceSoon();
    });
  }
}
