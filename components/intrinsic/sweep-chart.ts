// The accuracy-vs-d chart: the script's precomputed sweep, the reader's own
// sweep, and the reader's single runs, each with its 90 % line and d₉₀ mark.
import { renderPlot } from '../lib/plot';
import { formatInt, formatPercent } from '../lib/format';
import type { SweepPoint } from '../../src/core/intrinsic';

export interface Series {
  points: SweepPoint[];
  /** Accuracy of direct training; null until measured. */
  baseline: number | null;
  threshold: number | null;
  d90: number | null;
}

export interface ChartData {
  script: Series;
  browser: Series;
  singles: SweepPoint[];
}

export function describe(data: ChartData): string {
  const s = data.script;
  const parts = [
    `Test accuracy against subspace dimension d on a log scale. Script (full MNIST): ${s.points.map((p) => `d ${formatInt(p.d)}: ${formatPercent(p.accuracy, 1)}`).join(', ')}; 90 % threshold ${formatPercent(s.threshold ?? NaN, 1)}; d90 ${s.d90 === null ? 'not reached' : formatInt(s.d90)}.`,
  ];
  const b = data.browser;
  if (b.points.length || b.baseline !== null) {
    parts.push(`Your sweep: ${b.points.map((p) => `d ${formatInt(p.d)}: ${formatPercent(p.accuracy, 1)}`).join(', ') || 'no subspace runs yet'}${b.threshold !== null ? `; threshold ${formatPercent(b.threshold, 1)}` : ''}${b.d90 !== null ? `; d90 ${formatInt(b.d90)}` : ''}.`);
  }
  if (data.singles.length) parts.push(`Your single runs: ${data.singles.map((p) => `d ${formatInt(p.d)}: ${formatPercent(p.accuracy, 1)}`).join(', ')}.`);
  return parts.join(' ');
}

export function drawSweep(container: HTMLElement, data: ChartData): Promise<() => void> {
  const all = [...data.script.points, ...data.browser.points, ...data.singles];
  const dMin = Math.min(10, ...all.map((p) => p.d));
  const dMax = Math.max(2000, ...all.map((p) => p.d));
  return renderPlot(container, (Plot, { width, theme }) => {
    const marks: unknown[] = [];
    const series = (s: Series, colour: string, symbol: string) => {
      const pts = [...s.points].sort((a, b) => a.d - b.d);
      if (s.threshold !== null) marks.push(Plot.ruleY([s.threshold], { stroke: colour, strokeDasharray: '5,4', strokeWidth: 1.5 }));
      if (s.d90 !== null) {
        marks.push(Plot.ruleX([s.d90], { stroke: colour, strokeOpacity: 0.6 }));
        marks.push(Plot.text([s.d90], { x: (d: number) => d, frameAnchor: 'bottom', dy: -6, dx: 4, textAnchor: 'start', fill: colour, text: (d: number) => `d₉₀ = ${formatInt(d)}` }));
      }
      if (pts.length > 1) marks.push(Plot.line(pts, { x: 'd', y: 'accuracy', stroke: colour, strokeWidth: 2 }));
      marks.push(Plot.dot(pts, { x: 'd', y: 'accuracy', fill: colour, r: 4, symbol }));
    };
    series(data.script, theme.series[0], 'circle');
    series(data.browser, theme.series[1], 'square');
    marks.push(Plot.dot(data.singles, { x: 'd', y: 'accuracy', fill: theme.series[2], stroke: theme.bg, r: 6, symbol: 'diamond' }));
    return Plot.plot({
      width,
      height: 300,
      marginLeft: 52,
      marginBottom: 40,
      x: { type: 'log', domain: [dMin * 0.8, dMax * 1.25], label: 'subspace dimension d (log scale)', grid: true, tickFormat: (v: number) => formatInt(v) },
      y: { domain: [0, 1], label: 'test accuracy', grid: true, tickFormat: (v: number) => formatPercent(v, 0) },
      style: { background: 'transparent', color: theme.fg },
      marks: marks as NonNullable<Parameters<typeof Plot.plot>[0]>['marks'],
    });
  }, { label: describe(data) });
}
