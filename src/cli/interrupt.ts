/** Set by the CLI's SIGINT/SIGTERM handler: runs stop between slices and nothing is written. */
const controller = new AbortController();

export interface Interrupt {
  /** True once a signal asked the command to stop. */
  readonly requested: boolean;
  /** Aborted by that same request: what the library API's runs take to stop. */
  readonly signal: AbortSignal;
  request(): void;
}

export const interrupt: Interrupt = {
  get requested(): boolean {
    return controller.signal.aborted;
  },
  signal: controller.signal,
  request(): void {
    controller.abort();
  },
};
