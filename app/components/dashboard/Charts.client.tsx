import type { ReactNode } from "react";
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { Bar, Line } from "react-chartjs-2";

// The dashboard's charts, drawn in the browser only (the server renders the tables that carry the same
// numbers). Only the parts these charts use are registered. No animation: the chart is final when drawn.

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip
);

const BASE = {
  animation: false as const,
  responsive: true,
  maintainAspectRatio: false,
  plugins: { legend: { position: "bottom" as const } },
};

/** Plant counts on an axis: from zero, in whole numbers. */
const COUNT_AXIS = { beginAtZero: true, ticks: { precision: 0 } };

/** A chart's box, named for the page's styles and tests. */
function ChartBox({ name, wide = false, children }: { name: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={wide ? "chart-box chart-wide" : "chart-box"} data-chart={name}>
      {children}
    </div>
  );
}

/** The canvas as an image named for assistive technology; the table beside it carries the numbers. */
const image = (label: string) => ({ "aria-label": label, role: "img" });

const SERIES_COLORS = ["#33404f", "#174a7c", "#0b6bcb", "#7a4b00", "#1e6b3a"];
const SCOPE_COLOR = "#a12020";

export interface ChartProps {
  /** Names the chart for assistive technology; the table beside it carries the numbers. */
  label: string;
}

export function PhaseChart({ label, labels, counts }: ChartProps & { labels: string[]; counts: number[] }) {
  return (
    <ChartBox name="phase">
      <Bar
        {...image(label)}
        options={{
          ...BASE,
          plugins: { legend: { display: false } },
          scales: { y: COUNT_AXIS },
        }}
        data={{ labels, datasets: [{ label: "Plants", data: counts, backgroundColor: SERIES_COLORS }] }}
      />
    </ChartBox>
  );
}

export function BurnupChart({
  label,
  weeks,
  scope,
  series,
}: ChartProps & { weeks: string[]; scope: number[]; series: { label: string; data: number[] }[] }) {
  return (
    <ChartBox name="burnup" wide>
      <Line
        {...image(label)}
        options={{
          ...BASE,
          elements: { point: { radius: 0 }, line: { tension: 0 } },
          scales: { y: COUNT_AXIS },
        }}
        data={{
          labels: weeks,
          datasets: [
            {
              label: "Scope (plants in the program)",
              data: scope,
              borderColor: SCOPE_COLOR,
              backgroundColor: SCOPE_COLOR,
              borderDash: [6, 4],
              stepped: true,
            },
            ...series.map((s, i) => ({
              label: s.label,
              data: s.data,
              borderColor: SERIES_COLORS[i % SERIES_COLORS.length],
              backgroundColor: SERIES_COLORS[i % SERIES_COLORS.length],
              stepped: true as const,
            })),
          ],
        }}
      />
    </ChartBox>
  );
}

export function RagChart({ label, counts }: ChartProps & { counts: { green: number; amber: number; red: number } }) {
  return (
    <ChartBox name="rag">
      <Bar
        {...image(label)}
        options={{
          ...BASE,
          indexAxis: "y",
          plugins: { legend: { display: false } },
          scales: { x: COUNT_AXIS },
        }}
        data={{
          labels: ["Green", "Amber", "Red"],
          datasets: [
            {
              label: "Plants",
              data: [counts.green, counts.amber, counts.red],
              backgroundColor: ["#1e6b3a", "#c98a00", "#a12020"],
            },
          ],
        }}
      />
    </ChartBox>
  );
}
