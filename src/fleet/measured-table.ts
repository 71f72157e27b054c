/** Reading a measured decode table (batch size -> total tokens/s of one replica). */

/**
 * Tokens/s at `batch` from a table sorted by batch size: linear between the table's batch sizes,
 * proportional to the batch from (0, 0) below the smallest, flat above the largest.
 */
export function interpolateDecode(
  table: ReadonlyArray<readonly [batch: number, tokensPerS: number]>,
  batch: number,
): number {
  if (table.length === 0) throw new Error("empty decode table");
  if (batch <= 0) return 0;
  const [firstBatch, firstRate] = table[0];
  if (batch <= firstBatch) return (firstRate * batch) / firstBatch;
  for (let i = 1; i < table.length; i++) {
    const [b1, r1] = table[i];
    if (batch <= b1) {
      const [b0, r0] = table[i - 1];
      return r0 + ((r1 - r0) * (batch - b0)) / (b1 - b0);
    }
  }
  return table[table.length - 1][1];
}
