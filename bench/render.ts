/**
 * Renders `bench/results.json`: the chart `bench/chart.svg`, the README's benchmark table (between
 * `<!-- bench:begin -->` and `<!-- bench:end -->`), and a text summary. `deno task bench` calls it at
 * the end; run it alone to render the file again: `deno run -A bench/render.ts`.
 *
 * @module
 */
import { type BenchResults, goalMet, type Row } from "./_results.ts";

const ORDER = [
  "ceiling",
  "kubeweb",
  "metadata",
  "metadata-stripped",
  "kubeweb+kubeconfig",
  "client-node",
  "client-go",
];

function fmt(v: number, unit: string): string {
  if (!Number.isFinite(v)) return "–";
  if (unit === "req/s" || unit === "events/s") return v >= 10000 ? `${(v / 1000).toFixed(0)}k` : v.toFixed(0);
  if (unit === "MB" || unit === "KB") return v.toFixed(1);
  return v >= 100 ? v.toFixed(0) : v.toFixed(2);
}

function contestants(row: Row): string[] {
  const names = Object.keys(row.medians).filter((n) => n !== row.bound);
  return names.sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
}

function goalText(row: Row): string {
  return row.goals.map((g) => `${g.contestant} ${g.op} ${g.ratio}x ${goalMet(row, g) ? "✅" : "❌"}`).join(
    "; ",
  );
}

/** " (15 for the rows of short samples: …; 30 for the small GETs)": the rows whose rounds differ. */
function roundsOfShortRows(results: BenchResults): string {
  const short = results.shortRounds ?? results.rounds;
  const get = results.getRounds ?? short;
  const parts: string[] = [];
  if (short !== results.rounds) {
    const rows = [...(get === short ? ["small GETs"] : []), "warm sync", "cold start", "watch replay"];
    parts.push(`${short} for the rows of short samples: ${rows.join(", ")}`);
  }
  if (get !== short) parts.push(`${get} for the small GETs`);
  return parts.length ? ` (${parts.join("; ")})` : "";
}

/** The README table (Markdown). */
export function markdownTable(results: BenchResults): string {
  const lines = [
    `Measured ${results.date.slice(0, 16).replace("T", " ")} UTC on ${results.machine.cores} cores ` +
    `(${results.machine.cpu}), ${results.machine.runtime}; ${results.dataSet}; each figure the median of ` +
    `${results.rounds} interleaved rounds${roundsOfShortRows(results)}, with its ratio to the bound ` +
    `(\`bench/results.json\` has the samples).`,
    "",
    "| work | bound | contestants (ratio to the bound) | goal |",
    "|---|---|---|---|",
  ];
  for (const row of results.rows) {
    if (row.id.startsWith("workqueue") || row.id.startsWith("decode-memory") || row.id === "bundle") continue;
    const others = contestants(row).map((n) =>
      `${n} ${fmt(row.medians[n], row.unit)} (${row.ratios[n].toFixed(2)}x)`
    ).join(", ");
    lines.push(
      `| ${row.work} | ${row.bound} ${fmt(row.medians[row.bound], row.unit)} ${row.unit} | ${others} | ${
        goalText(row)
      } |`,
    );
  }
  const bundle = results.rows.find((r) => r.id === "bundle");
  if (bundle) {
    const names = [
      ...new Set(Object.keys(bundle.medians).map((k) => k.replace(/: (minified|gzipped)$/, ""))),
    ];
    lines.push("", "| bundle | minified | gzipped |", "|---|---|---|");
    for (const n of names) {
      lines.push(
        `| ${n} | ${fmt(bundle.medians[`${n}: minified`], "KB")} KB | ${
          fmt(bundle.medians[`${n}: gzipped`], "KB")
        } KB |`,
      );
    }
  }
  const memRows = results.rows.filter((r) =>
    r.id.startsWith("workqueue") || r.id.startsWith("decode-memory")
  );
  if (memRows.length > 0) {
    lines.push("", "| in memory (deno bench) | baseline | others (ratio of times) |", "|---|---|---|");
    for (const row of memRows) {
      const others = contestants(row).map((n) =>
        `${n}: ${fmt(row.medians[n], "ms")} ms (${row.ratios[n].toFixed(2)}x)`
      )
        .join("; ");
      lines.push(`| ${row.work} | ${row.bound}: ${fmt(row.medians[row.bound], "ms")} ms | ${others} |`);
    }
  }
  return lines.join("\n");
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The chart: each row's contestants as bars of their ratio to the bound (1.0: the bound), goals marked. */
export function chartSvg(results: BenchResults): string {
  const rows = results.rows.filter((r) =>
    !r.id.startsWith("workqueue") && !r.id.startsWith("decode-memory") && r.id !== "bundle"
  );
  const colors: Record<string, string> = {
    ceiling: "#9ca3af",
    kubeweb: "#2563eb",
    metadata: "#60a5fa",
    "metadata-stripped": "#93c5fd",
    "kubeweb+kubeconfig": "#1e40af",
    "client-node": "#f59e0b",
    "client-go": "#10b981",
  };
  const max = Math.min(
    4,
    Math.max(2, ...rows.flatMap((r) => Object.values(r.ratios).filter(Number.isFinite))),
  );
  const left = 360;
  const width = 900;
  const plot = width - left - 60;
  const x = (v: number) => left + Math.min(v, max) / max * plot;
  const barH = 12;
  let y = 40;
  const parts: string[] = [];
  for (const row of rows) {
    const names = contestants(row);
    parts.push(`<text x="8" y="${y + 12}" font-size="12" font-weight="bold">${esc(row.work)}</text>`);
    parts.push(
      `<text x="8" y="${y + 26}" font-size="10" fill="#555">${
        esc(
          `${row.better} is better; bound ${row.bound} = ${
            fmt(row.medians[row.bound], row.unit)
          } ${row.unit}`,
        )
      }</text>`,
    );
    const top = y;
    for (const n of names) {
      const r = row.ratios[n];
      parts.push(
        `<rect x="${left}" y="${y + 2}" width="${
          Math.max(1, x(r) - left).toFixed(1)
        }" height="${barH}" fill="${colors[n] ?? "#888"}"/>`,
      );
      parts.push(
        `<text x="${(x(r) + 4).toFixed(1)}" y="${y + 12}" font-size="10">${
          esc(`${n} ${r.toFixed(2)}x`)
        }</text>`,
      );
      y += barH + 4;
    }
    for (const g of row.goals) {
      parts.push(
        `<line x1="${x(g.ratio).toFixed(1)}" x2="${x(g.ratio).toFixed(1)}" y1="${top}" y2="${
          y + 2
        }" stroke="#dc2626" stroke-dasharray="3,2"/>`,
      );
    }
    y = Math.max(y, top + 32) + 14;
  }
  const height = y + 20;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="8" y="20" font-size="14" font-weight="bold">${
    esc(`kubeweb benchmarks, ratio to the bound (1.0), ${results.date.slice(0, 10)}; red dashes: goals`)
  }</text>
<line x1="${x(1).toFixed(1)}" x2="${x(1).toFixed(1)}" y1="30" y2="${height - 10}" stroke="#111"/>
${parts.join("\n")}
</svg>
`;
}

/** A plain-text summary for the terminal. */
export function summaryText(results: BenchResults): string {
  const lines = [`kubeweb bench ${results.date} (${results.durationS} s, ${results.rounds} rounds)`];
  for (const row of results.rows) {
    const others = contestants(row).map((n) =>
      `${n} ${fmt(row.medians[n], row.unit)} (${row.ratios[n].toFixed(2)}x)`
    );
    lines.push(
      `  ${row.work}: ${row.bound} ${fmt(row.medians[row.bound], row.unit)} ${row.unit}; ${
        others.join(", ")
      }`,
    );
    if (row.goals.length > 0) lines.push(`    goal: ${goalText(row)}`);
    if (row.note) lines.push(`    ${row.note}`);
  }
  return lines.join("\n");
}

/** Writes the chart and the README table; returns the summary. */
export async function renderAll(results: BenchResults, root: string): Promise<string> {
  await Deno.writeTextFile(`${root}/bench/chart.svg`, chartSvg(results));
  const readmePath = `${root}/README.md`;
  const readme = await Deno.readTextFile(readmePath);
  const begin = "<!-- bench:begin -->";
  const end = "<!-- bench:end -->";
  const i = readme.indexOf(begin);
  const j = readme.indexOf(end);
  if (i >= 0 && j > i) {
    const table = `${begin}\n<!-- generated by bench/render.ts from bench/results.json: do not edit -->\n${
      markdownTable(results)
    }\n\n![kubeweb benchmarks](bench/chart.svg)\n${end}`;
    await Deno.writeTextFile(readmePath, readme.slice(0, i) + table + readme.slice(j + end.length));
  }
  // The house formatter owns these files' layout (deno task check runs it).
  await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", readmePath, `${root}/bench/results.json`, `${root}/bench/chart.svg`],
    cwd: root,
  }).output();
  return summaryText(results);
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const results = JSON.parse(await Deno.readTextFile(`${root}/bench/results.json`)) as BenchResults;
  console.log(await renderAll(results, root));
}
