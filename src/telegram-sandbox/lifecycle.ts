/**
 * Whether the emulator is still open, and the callers waiting on it (for a bot message, for a long poll) that
 * close() must not leave hanging.
 */
export class Lifecycle {
  private isClosed = false;
  private readonly waiting = new Set<(error: Error) => void>();

  get closed(): boolean {
    return this.isClosed;
  }

  assertOpen(): void {
    if (this.isClosed) throw new Error('The fake Telegram is closed');
  }

  addWaiter(settle: (error: Error) => void): void {
    this.waiting.add(settle);
  }

  removeWaiter(settle: (error: Error) => void): void {
    this.waiting.delete(settle);
  }

  /** False when it was closed already, so close() runs its steps once. */
  markClosed(): boolean {
    if (this.isClosed) return false;
    this.isClosed = true;
    return true;
  }

  settleWaiters(): void {
    for (const settle of [...this.waiting]) settle(new Error('the fake Telegram was closed while waiting'));
  }
}
