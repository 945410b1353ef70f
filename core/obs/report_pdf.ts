/** @module A real PDF report of the metrics (npm:pdf-lib): summary, per-intent table, tools, slow queries. */
import { PDFDocument, rgb, StandardFonts } from "pdf-lib";
import type { MetricsStore } from "./metrics_store.ts";

export async function metricsReportPdf(
  store: MetricsStore,
  windowMs: number,
  windowLabel: string,
): Promise<Uint8Array> {
  const s = await store.summary(windowMs);
  const doc = await PDFDocument.create();
  doc.setTitle(`ChemAgent metrics report (${windowLabel})`);
  doc.setCreator("ChemAgent");
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page = doc.addPage([595, 842]);
  let y = 800;
  const line = (text: string, opts: { size?: number; b?: boolean; x?: number } = {}) => {
    if (y < 60) {
      page = doc.addPage([595, 842]);
      y = 800;
    }
    // Standard fonts are WinAnsi: keep to printable Latin-1.
    const safe = text.replace(/[^\x20-\x7e\xa0-\xff]/g, "?");
    page.drawText(safe, {
      x: opts.x ?? 50,
      y,
      size: opts.size ?? 10,
      font: opts.b ? bold : font,
      color: rgb(0.1, 0.14, 0.19),
    });
    y -= (opts.size ?? 10) + 6;
  };
  line("ChemAgent metrics report", { size: 18, b: true });
  line(`Window: last ${windowLabel} - generated ${new Date().toISOString()}`, { size: 9 });
  y -= 6;
  line("Summary", { size: 13, b: true });
  line(
    `Queries: ${s.queries} (user traffic; warm-up and probes excluded)   Cache hit rate: ${
      pct(s.cache_hit_rate)
    }`,
  );
  line(
    `Answered: ${s.outcomes.answered}   User errors: ${s.outcomes.user_error}   System errors: ${s.outcomes.system_error}`,
  );
  line(
    // Percentiles are histogram bucket bounds ("at most"); the average is exact.
    `Latency (ms): avg ${
      s.latency_ms.avg === null ? "-" : s.latency_ms.avg.toFixed(2)
    }  p50 <=${s.latency_ms.p50}` +
      `  p75 <=${s.latency_ms.p75}  p95 <=${s.latency_ms.p95}  p99 <=${s.latency_ms.p99}`,
  );
  line(`Health score: ${s.health_score}/100`);
  y -= 6;
  line("Queries by intent", { size: 13, b: true });
  for (const [intent, v] of Object.entries(s.by_intent).sort((a, b) => b[1].count - a[1].count)) {
    line(
      `${intent.padEnd(28)} ${
        String(v.count).padStart(7)
      } queries   ${v.user_errors} user errors   ${v.errors} system errors`,
    );
  }
  y -= 6;
  line("Tools", { size: 13, b: true });
  for (const t of store.tools()) {
    line(
      `${t.tool.padEnd(24)} ${String(t.count).padStart(7)} runs   avg ${t.avg_ms} ms   error rate ${
        pct(t.error_rate)
      }`,
    );
  }
  y -= 6;
  line("Slowest queries (last hour)", { size: 13, b: true });
  for (const q of store.slowQueries(15)) {
    line(`${q.ms.toFixed(1).padStart(9)} ms  ${q.intent.padEnd(22)} ${(q.query ?? "").slice(0, 60)}`, {
      size: 9,
    });
  }
  return await doc.save();
}

const pct = (x: number | null) => (x === null ? "-" : `${(x * 100).toFixed(1)}%`);
