/** Set by the CLI's SIGINT handler: runs stop between slices and nothing is written. */
export const interrupt = { requested: false };
