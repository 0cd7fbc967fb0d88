/**
 * A promise-chain lock: the stores run one transaction at a time (their transactions are async, so two could
 * otherwise interleave on one connection).
 *
 * @module
 */

/** @internal Runs tasks one after the other, in call order. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  /** @internal Runs `fn` once every earlier task has settled. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** @internal Runs at most `limit` tasks at a time, the others in call order as slots free up (DL16). */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** @internal Runs `fn` in a free slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** @internal Resolves once no task runs or waits. */
  async idle(): Promise<void> {
    while (this.active > 0 || this.waiting.length > 0) await new Promise((r) => setTimeout(r, 1));
  }
}
