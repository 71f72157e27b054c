/** The page shell every report shares: one self-contained HTML page (inline CSS and SVG, nothing fetched). */
import { esc } from "./escape.js";

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:960px;color:#111;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccc}
.sub{color:#555;margin:0 0 12px}.hint{color:#555;font-size:12px;margin:2px 0 8px}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:8px}
.figures div{border:1px solid #ddd;border-radius:4px;padding:6px 10px}
.figures dt{color:#555;font-size:12px}.figures dd{margin:0;font-size:18px;font-weight:600}
svg{width:100%;height:auto;display:block}
.tick{font-size:11px;fill:#333}.chart-title{font-size:13px;font-weight:600;fill:#111}.axis-label{font-size:12px;fill:#111}.note{font-size:11px;fill:#333}
.grid{stroke:#e4e4e4}.axis{stroke:#666}.stripe{fill:#f7f7f7}
.mark{stroke:#c00;stroke-width:2;stroke-dasharray:4 2}
.legend{list-style:none;padding:0;margin:4px 0 12px;display:flex;flex-wrap:wrap;gap:4px 16px}
.legend li{display:flex;align-items:center;gap:6px}.legend svg{width:28px;display:inline}
table{border-collapse:collapse;width:100%;font-size:12px;margin:8px 0}
th,td{border-bottom:1px solid #e4e4e4;padding:3px 6px;text-align:left}th{background:#f4f4f4}
.num{text-align:right;font-variant-numeric:tabular-nums}
`;

export const section = (title: string, body: string) => `<section><h2>${esc(title)}</h2>${body}</section>`;
export const hint = (text: string) => `<p class="hint">${esc(text)}</p>`;

export function page(title: string, body: string): string {
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${esc(title)}</title><style>${CSS}</style></head><body>${body}</body></html>\n`
  );
}

export function figures(items: [string, string][]): string {
  return `<dl class="figures">${items.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join("")}</dl>`;
}
