/** The run's results as Markdown (printed and saved) and JSON. */
import type { BenchConfig } from "./config.js";
import type { Environment } from "./environment.js";
import type { Comparison, Figure, SectionResult } from "./results.js";

export interface BenchReport {
  command: string;
  mode: BenchConfig["mode"];
  environment: Environment;
  sections: Record<string, SectionResult & { seconds: number; error?: string }>;
}

const fmt = (x: number) =>
  x >= 1e6
    ? `${(x / 1e6).toFixed(2)} M`
    : x >= 1e4
      ? `${(x / 1e3).toFixed(1)} k`
      : x >= 100
        ? x.toFixed(0)
        : x.toPrecision(3);
const size = (n: number) =>
  n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n);
const secs = (s: number) => (s >= 10 ? s.toFixed(1) : s >= 0.1 ? s.toFixed(2) : s.toFixed(4));

function verdict(c: Comparison): string {
  const who = c.ratio >= 1 ? "ours faster" : `**${c.peer} wins**`;
  if (c.goal === undefined) return who;
  return `${c.ratio >= c.goal ? "meets goal" : "**misses goal**"}; ${who}`;
}

function ratioText(c: Comparison): string {
  return c.ratio >= 1 ? `${c.ratio.toFixed(2)}×` : `${c.ratio.toFixed(2)}× (peer ${(1 / c.ratio).toFixed(2)}× faster)`;
}

function figureRow(f: Figure): string {
  const t = f.timing;
  const range = f.rate ? `${fmt(f.size / t.max)} – ${fmt(f.size / t.min)}` : "";
  const rss = f.rssPeakMiB === undefined ? "" : `${f.rssPeakMiB.toFixed(0)} / +${(f.rssGrowthMiB ?? 0).toFixed(0)}`;
  return `| ${f.case} | ${size(f.size)} | ${f.peer} | ${f.rate ? fmt(f.rate) : ""} ${f.unit} | ${range} | ${secs(t.median)} [${secs(t.min)} – ${secs(t.max)}] | ${t.seconds.length} | ${rss} | ${f.note ?? ""} |`;
}

export function markdown(report: BenchReport): string {
  const { environment: env } = report;
  const m = env.machine;
  const lines: string[] = [
    `# Bench: ${env.date.slice(0, 10)} (${report.mode} mode)`,
    "",
    `Command: \`${report.command}\`. Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.os}; load average at start ${m.loadAverageAtStart.join(" / ")} (a shared machine: absolute times are noise, ratios measured in the same run are the figures).`,
    "",
    `Versions: ${Object.entries(env.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}.`,
    "",
    "Every figure is the median of the measured runs after warm-up runs, with [min – max]. Ratio = ours ÷ peer in throughput: above 1, ours is faster.",
    "",
    "## Headline: ours against each peer",
    "",
    "| section | case | size | ours | peer | ratio | goal | verdict |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const [name, s] of Object.entries(report.sections)) {
    for (const c of s.comparisons) {
      lines.push(
        `| ${name} | ${c.case} | ${size(c.size)} | ${c.ours} | ${c.peer} | ${ratioText(c)} | ${c.goalText ?? ""} | ${verdict(c)} |`,
      );
    }
  }
  lines.push(
    "",
    "## Checks (rows, checksums, verdicts) before any figure counts",
    "",
    "| check | ok | detail |",
    "| --- | --- | --- |",
  );
  for (const s of Object.values(report.sections)) {
    for (const c of s.checks) lines.push(`| ${c.name} | ${c.ok ? "✓" : "**✗ FAILED**"} | ${c.detail} |`);
  }
  lines.push("", "## Figures", "");
  for (const [name, s] of Object.entries(report.sections)) {
    lines.push(`### ${name} (${s.seconds.toFixed(0)} s)`, "");
    if (s.error) lines.push(`**Section failed:** ${s.error}`, "");
    if (s.figures.length > 0) {
      lines.push(
        "| case | size | peer | rate (median) | rate range | seconds per run [min – max] | runs | peak RSS / growth MiB | note |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ...s.figures.map(figureRow),
        "",
      );
    }
    for (const note of s.notes) lines.push(`- ${note}`);
    if (s.notes.length > 0) lines.push("");
  }
  return lines.join("\n");
}
