/** Set by the CLI's SIGINT/SIGTERM handler: runs stop between slices and nothing is written. */
const controller = new AbortController();

export const interrupt = {
  /** True once a signal asked the command to stop. */
  get requested(): boolean {
    return controller.signal.aborted;
  },
  /** Aborted by that same request: what the library API's runs take to stop. */
  signal: controller.signal,
  request(): void {
    controller.abort();
  },
};
