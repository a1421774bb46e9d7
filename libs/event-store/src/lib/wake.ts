/** Wake-up signal for subscriptions: something may have been committed, read again. */
export class WakeHub {
  private readonly listeners = new Set<() => void>();
  private wakes = 0;

  /** Wake-ups so far: a read begun at generation `g` saw every commit whose wake-up came before `g`. */
  get generation(): number {
    return this.wakes;
  }

  on(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  wake(): void {
    this.wakes += 1;
    for (const listener of this.listeners) listener();
  }
}
