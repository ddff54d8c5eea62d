/**
 * Runs a job one at a time. A request while it runs is not lost: however many come, they collapse
 * into one more run once it ends, and that run reads the newest state. The job returns false to
 * end the loop early (it scheduled its own retry, or there is nothing left to do for good).
 */
export class CoalescingRunner {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly job: () => Promise<boolean>) {}

  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        if (!(await this.job())) break;
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when no run is in progress or queued. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}
