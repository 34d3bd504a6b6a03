/** A long-polling worker's place in the sync match (sync-match.ts): the task handed to it, or none. */

export interface MatchedTask {
  response: Record<string, unknown>;
  runId: string;
  scheduledEventId: number;
}

export class PollerSlot {
  state: 'waiting' | 'reserved' | 'done' = 'waiting';
  /** Resolves with the matched task, or null when the reservation was released (look again). */
  readonly outcome: Promise<MatchedTask | null>;
  private settle!: (t: MatchedTask | null) => void;

  constructor(
    readonly identity: string,
    private readonly signal: AbortSignal,
    private readonly unpark: (slot: PollerSlot) => void,
  ) {
    this.outcome = new Promise((r) => (this.settle = r));
  }

  get available(): boolean {
    return this.state === 'waiting' && !this.signal.aborted;
  }

  /** The poller stops waiting; false when a unit of work holds or has settled it (take `outcome`). */
  cancel(): boolean {
    if (this.state !== 'waiting') return false;
    this.state = 'done';
    this.unpark(this);
    this.settle(null);
    return true;
  }

  deliver(task: MatchedTask): void {
    this.state = 'done';
    this.settle(task);
  }

  release(): void {
    this.state = 'done';
    this.settle(null);
  }
}
