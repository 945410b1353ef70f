/** One chart.js wrapper for every chart on the dashboard. */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { useEffect, useRef } from "preact/hooks";

Chart.register(
  LineController,
  LineElement,
  PointElement,
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
  Filler,
);

export interface Series {
  label: string;
  /** One value per label; null is a gap (no data in that bucket). */
  values: (number | null)[];
  color?: string;
}

export function ChartView(
  { type = "line", labels, series, height = 220, stacked = false }: {
    type?: "line" | "bar";
    /** Bars of several series stacked (parts of one total). */
    stacked?: boolean;
    labels: string[];
    series: Series[];
    height?: number;
  },
) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const empty = series.every((s) => s.values.every((v) => !v));
  const chart = useRef<
    Chart<"line" | "bar", (number | null)[], string> | undefined
  >(undefined);
  useEffect(() => {
    const data = {
      labels,
      datasets: series.map((s) => ({
        label: s.label,
        data: s.values,
        borderColor: s.color ?? "#1f5fa8",
        backgroundColor: (s.color ?? "#1f5fa8") + "55",
        fill: type === "line",
        tension: 0.25,
        // Points only when there are few values: a single bucket is otherwise an invisible zero-length line.
        pointRadius: s.values.filter((v) => v !== null).length <= 2 ? 4 : 0,
      })),
    };
    if (!chart.current) {
      chart.current = new Chart(canvas.current!, {
        type,
        data,
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          plugins: { legend: { display: series.length > 1 } },
          // Counts, rates and latencies are never negative: start at zero (an all-zero series is not -1…1).
          scales: {
            x: { stacked },
            y: {
              beginAtZero: true,
              suggestedMax: empty ? 1 : undefined,
              stacked,
            },
          },
        },
      });
    } else {
      chart.current.data = data;
      const y = chart.current.options.scales?.y;
      if (y) y.suggestedMax = empty ? 1 : undefined;
      chart.current.update();
    }
  }, [labels.join(), JSON.stringify(series)]);
  useEffect(() => () => chart.current?.destroy(), []);
  return (
    <div style={{ height, position: "relative" }}>
      <canvas ref={canvas} />
      {empty && <div class="chart-empty">none in this range</div>}
    </div>
  );
}
