import {
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Title,
  Tooltip,
} from "chart.js";
import { Line } from "react-chartjs-2";

ChartJS.register(CategoryScale, LinearScale, PointElement, LineElement, Legend, Title, Tooltip);

const PALETTE = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7e8c", "#57606a"];

export interface ConvergenceSeries {
  conduit: string;
  /** Day number in the epoch (1 is the first day) and the new flow tuples seen that day. */
  points: { dayNumber: number; newTuples: number }[];
}

/**
 * The convergence curve: new flow tuples per day of each conduit's epoch, which should die out as the baseline
 * matures. Drawn on the client only; the same numbers are in the table beside it.
 */
export function ConvergenceChart({ series, label }: { series: ConvergenceSeries[]; label: string }) {
  const longest = Math.max(1, ...series.map((s) => s.points.at(-1)?.dayNumber ?? 0));
  const labels = Array.from({ length: longest }, (_, i) => String(i + 1));
  return (
    <div className="chart-box">
      <Line
        aria-label={label}
        role="img"
        data={{
          labels,
          datasets: series.map((s, i) => {
            const byDay = new Map(s.points.map((p) => [p.dayNumber, p.newTuples]));
            return {
              label: s.conduit,
              data: labels.map((_, d) => byDay.get(d + 1) ?? null),
              borderColor: PALETTE[i % PALETTE.length],
              backgroundColor: PALETTE[i % PALETTE.length],
              spanGaps: false,
              pointRadius: 2,
              tension: 0.2,
            };
          }),
        }}
        options={{
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          plugins: { legend: { position: "bottom" }, title: { display: false } },
          scales: {
            x: { title: { display: true, text: "Day of the baseline epoch" } },
            y: { beginAtZero: true, title: { display: true, text: "New flow tuples" }, ticks: { precision: 0 } },
          },
        }}
      />
    </div>
  );
}
