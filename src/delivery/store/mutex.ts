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
