/**
 * Okabe & Ito's colour-blind-safe palette (Color Universal Design, 2008). Beyond eight series the
 * colours repeat with a dash pattern, so that no two series look alike.
 */
const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"];
const DASHES = ["", "6 3", "2 3", "8 3 2 3"];

export interface Style {
  colour: string;
  dash: string;
}

export function seriesStyle(i: number): Style {
  return {
    colour: COLOURS[i % COLOURS.length]!,
    dash: DASHES[Math.floor(i / COLOURS.length) % DASHES.length]!,
  };
}
