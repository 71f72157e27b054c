/**
 * Datetime text of a trace, to whole microseconds since the epoch (exact in a double until the
 * year 2255). Accepts `YYYY-MM-DD HH:MM:SS[.fraction]` with a space or `T`, an optional `Z` or
 * `+HH:MM` zone; without a zone the time is UTC. Digits of the fraction beyond the sixth are
 * dropped (the Azure traces carry seven). Returns NaN for text that is not such a time.
 */
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export function parseDatetimeMicros(text: string): number {
  const m = DATETIME.exec(text.trim());
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  // Date.UTC rolls 2023-02-30 over to March: reject such dates instead.
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 59) {
    return Number.NaN;
  }
  const micros = m[7] ? Number(m[7].slice(0, 6).padEnd(6, "0")) : 0;
  let zoneMinutes = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    zoneMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0");
    if (zone[0] === "-") zoneMinutes = -zoneMinutes;
  }
  return (ms - zoneMinutes * 60_000) * 1000 + micros;
}
