// <alpha-sweep>: one run per (scaling, rank), in the engine worker, one after another;
// loss curves, final losses and ‖ΔW‖ per run, and what the runs show, computed.
import { cellState, firstConnect } from '../lib/cell-state';
import { bindInput, type StateStore } from '../lib/state';
import { clearMessage, showMessage, showNotes } from '../lib/messages';
import { whenNear } from '../lib/onscreen';
import { renderPlot } from '../lib/plot';
import { formatNumber, formatRatio } from '../lib/format';
import type { AlphaRunEvent, AlphaRunResult } from '../../src/api/alphar';
import { sweepSchema } from './alpha-state';
import { earlyLoss, finalLoss } from './alpha-math';
import { RunController } from '../lib/run-controller';

type Scaling = 'alpha/r' | 'alpha/sqrt(r)';
const SCALINGS: Scaling[] = ['alpha/r', 'alpha/sqrt(r)'];
const NAME: Record<Scaling, string> = { 'alpha/r': 'α/r', 'alpha/sqrt(r)': 'α/√r' };
const ME = 'sweep';

interface Run { scaling: Scaling; rank: number; losses: AlphaRunEvent[]; result: AlphaRunResult | null }

class AlphaSweep extends HTMLElement {
  private runs: Run[] = [];
  private near = false;

  connectedCallback(): void {
    if (!firstConnect(this)) return;
    const state = cellState(this, sweepSchema, this.dataset.prefix ?? 'ar', null);
    const q = <T extends Element = HTMLElement>(sel: string) => this.querySelector<T>(sel)!;
    const onNotes = (n: string[]) => showNotes(this, 'input', n);
    bindInput(state, 'ranks', this.querySelectorAll<HTMLInputElement>('fieldset input'), onNotes);
    for (const k of ['alpha', 'steps', 'seed'] as const) bindInput(state, k, q<HTMLInputElement>(`[data-key="${k}"]`), onNotes);
    for (const k of ['lr', 'task'] as const) bindInput(state, k, q<HTMLSelectElement>(`[data-key="${k}"]`), onNotes);
    const runBtn = q<HTMLButtonElement>('[data-role="run"]');
    const stopBtn = q<HTMLButtonElement>('[data-role="stop"]');
    const progress = q<HTMLOutputElement>('[data-role="progress"]');
    let saved: string | null = null; // our own progress line while the other cell trains
    const ctl = new RunController(this, { owner: ME, start: () => [runBtn], stop: stopBtn });
    ctl.onChange(() => {
      const other = ctl.blocked;
      if (other && !ctl.active && saved === null) {
        saved = progress.value;
        progress.value = 'Waiting: the other experiment on this page is training.';
      } else if (!other && saved !== null) {
        progress.value = saved;
        saved = null;
      }
    });
    whenNear(this, () => { this.near = true; this.draw(); });

    runBtn.addEventListener('click', async () => {
      const v = state.values();
      const ranks = v.ranks.map(Number).sort((a, b) => a - b);
      if (!ranks.length) {
        showMessage(this, 'error', 'Choose at least one rank.', 'error');
        return;
      }
      await ctl.session(() => this.run(v, ranks, progress, ctl));
    });
  }

  private async run(v: ReturnType<StateStore<typeof sweepSchema>['values']>, ranks: number[], progress: HTMLOutputElement, ctl: RunController): Promise<void> {
    clearMessage(this, 'error');
    this.runs = SCALINGS.flatMap((scaling) => ranks.map((rank) => ({ scaling, rank, losses: [], result: null })));
    this.renderTable();
    const total = this.runs.length;
    try {
      for (const [i, run] of this.runs.entries()) {
        if (ctl.stopping) break;
        progress.value = `Run ${i + 1} of ${total}: ${NAME[run.scaling]}, r = ${run.rank}…`;
        const job = ctl.job('alphar.train', {
          task: v.task, layers: [0, 1, 2], rank: run.rank, alpha: v.alpha, scaling: run.scaling, optimizer: 'adam',
          learningRate: Number(v.lr), steps: v.steps, seed: v.seed,
        }, (e) => {
          run.losses.push(e);
          progress.value = `Run ${i + 1} of ${total}: ${NAME[run.scaling]}, r = ${run.rank}, step ${e.step} of ${v.steps}, loss ${formatNumber(e.loss, 3)}`;
          this.draw(false);
        });
        const result = await job;
        run.losses = result.losses;
        // A run cut short by Stop is drawn as far as it went, but not compared with finished runs.
        if (!ctl.stopping || (result.losses.at(-1)?.step ?? 0) >= v.steps) run.result = result;
        this.renderTable();
        this.draw();
      }
      const done = this.runs.filter((r) => r.result).length;
      const cut = this.runs.find((r) => !r.result && r.losses.length);
      progress.value = ctl.stopping
        ? `Stopped after ${done} of ${total} runs${cut ? `; run ${this.runs.indexOf(cut) + 1} was stopped at step ${cut.losses.at(-1)!.step} of ${v.steps} and is left out of the table` : ''}.`
        : `Done: ${total} runs of ${v.steps} steps.`;
      this.summarise();
    } catch (e) {
      const err = e as Error;
      showMessage(this, 'error', err.name === 'TrainingDiverged' ? `${err.message}` : `The run failed: ${err.message}`, 'error');
      progress.value = 'Stopped by an error. Change the settings and press Run to start again.';
    }
  }

  private renderTable(): void {
    const tbody = this.querySelector('[data-role="rows"]')!;
    const ranks = [...new Set(this.runs.map((r) => r.rank))];
    tbody.replaceChildren(...ranks.map((rank) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = String(rank);
      tr.append(th);
      for (const scaling of SCALINGS) {
        const run = this.runs.find((r) => r.rank === rank && r.scaling === scaling)!;
        const res = run.result;
        const scale = scaling === 'alpha/r' ? 1 / rank : 1 / Math.sqrt(rank);
        for (const text of [
          res ? formatNumber(res.scale, 3) : `α·${formatNumber(scale, 3)}`,
          res ? formatNumber(finalLoss(res.losses), 3) : '—',
          res ? formatNumber(res.totalNorm, 3) : '—',
        ]) {
          const td = document.createElement('td');
          const o = document.createElement('output');
          o.textContent = text;
          td.append(o);
          tr.append(td);
        }
      }
      return tr;
    }));
  }

  /** What the finished runs show, in numbers: growth of ‖ΔW‖ and of the final loss from the smallest to the largest rank. */
  private summarise(): void {
    const out = this.querySelector<HTMLOutputElement>('[data-role="summary"]')!;
    const done = this.runs.filter((r) => r.result);
    const ranks = [...new Set(done.map((r) => r.rank))].sort((a, b) => a - b);
    const lo = ranks[0];
    const hi = ranks[ranks.length - 1];
    const get = (s: Scaling, r: number) => done.find((x) => x.scaling === s && x.rank === r)?.result;
    const pairs = SCALINGS.map((s) => [s, get(s, lo), get(s, hi)] as const);
    if (ranks.length < 2 || pairs.some(([, a, b]) => !a || !b)) {
      out.value = ranks.length < 2 ? 'Choose at least two ranks to compare them.' : '';
      return;
    }
    // The chapter's prediction is about the first steps, so that comes first; then the final loss and ‖ΔW‖.
    const parts = pairs.map(([s, a, b]) =>
      `under ${NAME[s]}, the mean loss over the first 10 steps was ${formatNumber(earlyLoss(a!.losses), 3)} at r = ${lo} `
      + `and ${formatNumber(earlyLoss(b!.losses), 3)} at r = ${hi}, the final loss went from ${formatNumber(finalLoss(a!.losses), 3)} `
      + `to ${formatNumber(finalLoss(b!.losses), 3)}, and ‖ΔW‖ at r = ${hi} was ${formatRatio(b!.totalNorm / a!.totalNorm)} that at r = ${lo}`);
    out.value = `In your run, ${parts.join('; ')}.`;
  }

  private draw(all = true): void {
    if (!this.near || !this.runs.length) return;
    const points = this.runs.flatMap((r) => r.losses.map((l) => ({ ...l, rank: `r = ${r.rank}`, scaling: NAME[r.scaling] })));
    // One colour per rank in both charts (the second used to colour the scalings with the same colours).
    const ranks = [...new Set(this.runs.map((r) => r.rank))].sort((a, b) => a - b).map((r) => `r = ${r}`);
    void renderPlot(this.querySelector<HTMLElement>('[data-role="curves"]')!, (Plot, { width, theme }) => Plot.plot({
      width, height: 260, marginLeft: 50,
      fx: { label: null, domain: SCALINGS.map((s) => NAME[s]) },
      x: { label: 'step' },
      y: { label: 'training loss', grid: true, zero: true },
      color: { domain: ranks, range: theme.series, legend: true },
      marks: [
        Plot.frame({ stroke: theme.border }),
        Plot.line(points, { x: 'step', y: 'loss', fx: 'scaling', stroke: 'rank', z: 'rank', strokeWidth: 2 }),
      ],
    }), { label: `Training loss against step for each rank, under α/r (left) and α/√r (right). ${this.runs.filter((r) => r.result).map((r) => `${NAME[r.scaling]}, r = ${r.rank}: final loss ${formatNumber(finalLoss(r.losses), 3)}`).join('; ')}.` });
    if (!all) return;
    const norms = this.runs.filter((r) => r.result).map((r) => ({ rank: r.rank, norm: r.result!.totalNorm, scaling: NAME[r.scaling], r: `r = ${r.rank}` }));
    if (!norms.length) return;
    void renderPlot(this.querySelector<HTMLElement>('[data-role="norms"]')!, (Plot, { width, theme }) => Plot.plot({
      width: Math.min(width, 560), height: 240, marginLeft: 55, marginRight: 48,
      x: { type: 'log', base: 2, label: 'rank r (log scale)', ticks: [1, 2, 4, 8, 16, 32, 64] },
      y: { label: '‖ΔW‖_F after training', grid: true, zero: true },
      // Colour is the rank, as in the chart above; the scaling is the line's pattern and the point's shape, named at the line's end.
      color: { domain: ranks, range: theme.series },
      symbol: { domain: SCALINGS.map((s) => NAME[s]), range: ['circle', 'square'], legend: true },
      marks: [
        ...SCALINGS.map((s, i) => Plot.line(norms.filter((n) => n.scaling === NAME[s]), {
          x: 'rank', y: 'norm', stroke: theme.fg, strokeOpacity: 0.7, strokeWidth: 1.5, strokeDasharray: i === 0 ? undefined : '5,4',
        })),
        Plot.dot(norms, { x: 'rank', y: 'norm', fill: 'r', symbol: 'scaling', r: 5 }),
        Plot.text(norms, Plot.selectLast({ x: 'rank', y: 'norm', z: 'scaling', text: 'scaling', dx: 8, textAnchor: 'start', fill: theme.fg })),
      ],
    }), { label: `Size of the update after training against rank: ${norms.map((n) => `${n.scaling}, r = ${n.rank}: ${formatNumber(n.norm, 3)}`).join('; ')}.` });
  }
}

if (!customElements.get('alpha-sweep')) customElements.define('alpha-sweep', AlphaSweep);
