import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One uPlot bar-like line chart of series over x (seconds since the epoch). Loaded on demand. */
export default function MetricsChart(props: {
  title: string;
  x: number[];
  series: Array<{ label: string; values: number[] }>;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const colours = ['#1f5fbf', '#b3261e', '#1b7f3b', '#8a5a00'];
    const plot = new uPlot(
      {
        title: props.title,
        width: Math.min(900, box.current.clientWidth || 900),
        height: 260,
        series: [
          {},
          ...props.series.map((s, i) => ({ label: s.label, stroke: colours[i % colours.length], width: 2 })),
        ],
      },
      [props.x, ...props.series.map((s) => s.values)],
      box.current,
    );
    return () => plot.destroy();
  }, [props]);
  return <div ref={box} className="chart" />;
}
