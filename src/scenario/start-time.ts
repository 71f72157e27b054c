/** `start:`: an ISO-8601 UTC timestamp, to epoch milliseconds. */

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|\+00:00)$/;

/** Epoch milliseconds, or the error message for the user. */
export function parseStart(text: string): number | string {
  const m = ISO_UTC.exec(text.trim());
  if (!m) {
    const offset =
      /[+-]\d{2}:?\d{2}$/.test(text.trim()) || /T\d{2}:\d{2}(:\d{2})?(\.\d+)?$/.test(text.trim());
    const why = offset ? "must be in UTC (end in Z or +00:00)" : "must be an ISO-8601 UTC timestamp";
    return `${why}, like 2025-01-01T00:00:00Z, got ${JSON.stringify(text)}`;
  }
  const [, y, mo, d, h, mi, s = "0", frac = ""] = m;
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, frac ? Math.round(Number(frac) * 1000) : 0);
  const back = new Date(ms);
  // Date.UTC rolls 2025-02-30 over to March: a date that does not round-trip does not exist.
  if (
    back.getUTCFullYear() !== +y ||
    back.getUTCMonth() !== +mo - 1 ||
    back.getUTCDate() !== +d ||
    +h > 23 ||
    +mi > 59 ||
    +s > 59
  ) {
    return `is not a real date and time, got ${JSON.stringify(text)}`;
  }
  return ms;
}
