/**
 * One hand-written SVG (no dependency): insert throughput by contract and batch size, and read throughput by case,
 * as grouped bars on a log scale, one colour per peer.
 */
import type { Figure } from "./results.js";

const COLORS = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#6b7280", "#ec4899"];
const W = 960;
const PANEL_H = 300;
const LEFT = 70;

const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
const size = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
const short = (x: number) => (x >= 1e6 ? `${x / 1e6}M` : x >= 1e3 ? `${x / 1e3}k` : String(x));

function panel(title: string, figures: readonly Figure[], top: number): string {
  const groups = [...new Set(figures.map((f) => `${f.case} ×${size(f.size)}`))];
  const peers = [...new Set(figures.map((f) => f.peer))];
  const rates = figures.map((f) => f.rate ?? 1);
  const lo = 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...rates))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...rates, 10)));
  const plotTop = top + 30;
  const plotH = PANEL_H - 90;
  const y = (v: number) =>
    plotTop + plotH - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotH;
  const groupW = Math.floor((W - LEFT - 20) / Math.max(1, groups.length));
  const barW = Math.max(3, Math.floor((groupW - 12) / Math.max(1, peers.length)));
  const out = [
    `<text x="${LEFT}" y="${top + 18}" font-size="15" font-weight="bold">${esc(title)} (rows/s, log scale)</text>`,
  ];
  for (let d = lo; d <= hi; d *= 10) {
    out.push(
      `<line x1="${LEFT}" x2="${W - 20}" y1="${y(d)}" y2="${y(d)}" stroke="#e5e7eb"/>`,
      `<text x="${LEFT - 6}" y="${y(d) + 4}" font-size="11" text-anchor="end">${short(d)}</text>`,
    );
  }
  groups.forEach((g, gi) => {
    const x0 = LEFT + gi * groupW + 6;
    peers.forEach((p, pi) => {
      const f = figures.find((x) => `${x.case} ×${size(x.size)}` === g && x.peer === p);
      if (!f?.rate) return;
      const top2 = y(f.rate);
      out.push(
        `<rect x="${x0 + pi * barW}" y="${top2}" width="${barW - 1}" height="${Math.round((plotTop + plotH - top2) * 10) / 10}" fill="${COLORS[pi % COLORS.length]}"><title>${esc(`${p}: ${Math.round(f.rate)} rows/s`)}</title></rect>`,
      );
    });
    out.push(
      `<text x="${x0 + (groupW - 12) / 2}" y="${plotTop + plotH + 16}" font-size="11" text-anchor="middle">${esc(g)}</text>`,
    );
  });
  peers.forEach((p, pi) => {
    const lx = LEFT + (pi % 4) * 220;
    const ly = plotTop + plotH + 34 + Math.floor(pi / 4) * 16;
    out.push(
      `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${COLORS[pi % COLORS.length]}"/>`,
      `<text x="${lx + 14}" y="${ly}" font-size="11">${esc(p)}</text>`,
    );
  });
  return out.join("\n");
}

export function throughputSvg(figures: readonly Figure[], subtitle: string): string {
  const insert = figures.filter((f) => f.section === "insert" && f.rate);
  const read = figures.filter((f) => f.section === "read" && f.rate && f.case !== "basic, long stream");
  const h = 2 * PANEL_H + 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif">`,
    `<rect width="${W}" height="${h}" fill="white"/>`,
    `<text x="${LEFT}" y="20" font-size="12" fill="#374151">${esc(subtitle)}</text>`,
    panel("Insert throughput by contract and batch size", insert, 30),
    panel("Read throughput (whole and streamed)", read, 30 + PANEL_H),
    "</svg>",
    "",
  ].join("\n");
}
