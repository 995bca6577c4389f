// Observable Plot figures of the training cell: loss and accuracy curves as they
// stream in, and per-digit accuracy of the base model next to the current model.
import { renderPlot } from '../lib/plot';
import { formatPercent } from '../lib/format';

export interface LossPoint { step: number; loss: number }
export interface ScorePoint { step: number; score: number; accuracy: number }

/** Losses below this are drawn at it (a log axis cannot show 0). */
const LOSS_FLOOR = 1e-7;
const lossTick = (v: number) => (v >= 0.001 && v < 1e5 ? String(Number(v.toPrecision(1))) : v.toExponential(0));
/** A log axis from the power of ten below the data to the one above (at least 0.1 to 10), ticks thinned to about five. */
export function decades(values: number[]): { domain: [number, number]; ticks: number[] } {
  const lo = Math.min(-1, Math.floor(Math.log10(Math.min(...values))));
  const hi = Math.max(1, Math.ceil(Math.log10(Math.max(...values))));
  const stride = Math.max(1, Math.ceil((hi - lo + 1) / 5));
  const ticks: number[] = [];
  for (let e = hi; e >= lo; e -= stride) ticks.push(10 ** e);
  return { domain: [10 ** lo, 10 ** hi], ticks };
}

/** Loss and accuracy against step; `xMax` is the step the current run is heading for, so the axis does not jump. */
export function drawCurves(el: HTMLElement, loss: LossPoint[], scores: ScorePoint[], scoreName: string, showAll: boolean, xMax: number): Promise<() => void> {
  const steps = Math.max(1, xMax, ...loss.map((p) => p.step), ...scores.map((p) => p.step));
  const lossData = loss.map((p) => ({ step: p.step, loss: Math.max(LOSS_FLOOR, p.loss) }));
  const scoreData = scores.flatMap((p) => [
    { step: p.step, value: 100 * p.score, series: scoreName },
    ...(showAll ? [{ step: p.step, value: 100 * p.accuracy, series: 'all test digits' }] : []),
  ]);
  const last = scores[scores.length - 1];
  const label = scores.length
    ? `Training curves. Loss over ${loss.length ? loss[loss.length - 1].step : 0} steps; ${scoreName} ${formatPercent(last.score)} at step ${last.step}${showAll ? `, all test digits ${formatPercent(last.accuracy)}` : ''}.`
    : 'Training curves: no training yet.';
  return renderPlot(el, (Plot, { width, theme }) => {
    const half = width >= 560;
    const w = half ? Math.floor((width - 16) / 2) : width;
    const common = { width: w, height: 200, marginLeft: 48, marginRight: 16, x: { label: 'step', domain: [0, steps], ticks: Math.min(steps, 6), tickFormat: 'd' } };
    const lossPlot = Plot.plot({
      ...common,
      y: {
        label: 'training loss (log scale)', type: 'log', grid: true, tickFormat: lossTick,
        ...(lossData.length ? decades(lossData.map((p) => p.loss)) : { domain: [0.01, 10], ticks: [0.01, 0.1, 1, 10] }),
      },
      marks: [
        Plot.line(lossData, { x: 'step', y: 'loss', stroke: theme.series[0], strokeWidth: 2 }),
        Plot.dot(lossData.slice(-1), { x: 'step', y: 'loss', fill: theme.series[0] }),
      ],
    });
    const scorePlot = Plot.plot({
      ...common,
      y: { label: 'test accuracy (%)', domain: [0, 100], grid: true },
      color: { domain: showAll ? [scoreName, 'all test digits'] : [scoreName], range: [theme.series[2], theme.series[1]], legend: true },
      marks: [
        Plot.line(scoreData, { x: 'step', y: 'value', stroke: 'series', z: 'series', strokeWidth: 2, marker: 'circle' }),
      ],
    });
    const wrap = document.createElement('div');
    wrap.className = 'curve-pair';
    wrap.append(lossPlot, scorePlot);
    return wrap;
  }, { label });
}

export interface DigitBars { base: number[]; now: number[] | null; nowName: string }

export function drawDigits(el: HTMLElement, d: DigitBars): Promise<() => void> {
  const rows = d.base.flatMap((b, digit) => [
    { digit: String(digit), series: 'base model', value: 100 * b },
    ...(d.now ? [{ digit: String(digit), series: d.nowName, value: 100 * d.now[digit] }] : []),
  ]);
  const series = d.now ? ['base model', d.nowName] : ['base model'];
  const label = `Accuracy per digit: ${d.base.map((b, i) => `${i}: ${formatPercent(b)}${d.now ? ` → ${formatPercent(d.now[i])}` : ''}`).join(', ')}.`;
  return renderPlot(el, (Plot, { width, theme }) => Plot.plot({
    width, height: 210, marginLeft: 40,
    fx: { label: 'digit', padding: 0.15 },
    x: { axis: null, domain: series, padding: 0.05 },
    y: { label: 'accuracy (%)', domain: [0, 100], grid: true },
    color: { domain: series, range: [theme.muted, theme.series[0]], legend: true },
    marks: [
      Plot.barY(rows, { fx: 'digit', x: 'series', y: 'value', fill: 'series' }),
      Plot.ruleY([0]),
    ],
  }), { label });
}
