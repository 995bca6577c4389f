// <attention-budget>: runs the job attention.budget (Table 5's seven configurations at one budget)
// and fills the table and a bar chart as each configuration finishes.
import { cellState, firstConnect } from '../lib/cell-state';
import { showMessage, clearMessage } from '../lib/messages';
import { engine } from '../lib/engine';
import { BUSY_MESSAGE } from '../lib/engine-lock';
import { RunController } from '../lib/run-controller';
import { clearPlot, renderPlot } from '../lib/plot';
import { COUNTRIES } from '../../src/core/gpt';
import type { BudgetEvent, BudgetParams } from '../../src/api/attention';
import { budgetSchemaFor, configsFor, type PaperTable } from './budget-state';

const SESSION = 'attention-budget';

class AttentionBudget extends HTMLElement {
  private table: PaperTable = 5;
  private configs = configsFor(5);

  connectedCallback(): void {
    if (!firstConnect(this)) return;
    this.table = this.dataset.table === '6' ? 6 : 5;
    this.configs = configsFor(this.table);
    const BUDGET_CONFIGS = this.configs;
    const budgetSchema = budgetSchemaFor(this.table);
    const state = cellState(this, budgetSchema, this.dataset.prefix ?? 'ab');
    const run = this.querySelector<HTMLButtonElement>('button[data-role="run"]')!;
    const ctl = new RunController(this, {
      owner: SESSION, busyMessage: BUSY_MESSAGE, start: () => [run],
      lock: () => this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-key]'),
    });
    const progress = ctl.progress(this.querySelector('[data-role="progress"]')!, { label: 'Training the configurations', unit: 'step' });
    run.addEventListener('click', () => void ctl.session(async () => {
      clearMessage(this, 'run');
      const v = state.values();
      const name = COUNTRIES.find((c) => c.code === v.country)?.name ?? v.country;
      const losses: (number | null)[] = BUDGET_CONFIGS.map(() => null);
      for (const tr of this.querySelectorAll('tr[data-config]')) { tr.classList.remove('best'); tr.querySelector('output')!.value = '—'; }
      clearPlot(this.querySelector<HTMLElement>('[data-role="chart"]')!);
      const total = BUDGET_CONFIGS.length * v.steps;
      progress.reset();
      progress.update(0, total);
      let baseLoss = NaN;
      void engine().run('attention.baseLoss', { country: v.country }).done.then((r) => (baseLoss = r.baseLoss), () => undefined);
      const params: BudgetParams = { country: v.country, configs: BUDGET_CONFIGS.map((c) => ({ targets: c.targets, rank: c.rank })), steps: v.steps, seed: v.seed };
      const job = ctl.job('attention.budget', params, (e: BudgetEvent) => {
        if (e.kind === 'step') progress.update(e.config * e.steps + e.step, total);
        else {
          losses[e.config] = e.heldOut;
          this.querySelector<HTMLOutputElement>(`tr[data-config="${e.config}"] output`)!.value = e.heldOut.toFixed(3);
          this.render(losses, baseLoss, name);
        }
      });
      try {
        const r = await job;
        baseLoss = r.baseLoss;
        this.render(losses, baseLoss, name);
        progress.finish(`Trained all ${r.done} configurations.`);
      } catch (e) {
        const err = e as Error;
        progress.finish(err.name === 'JobStopped' ? 'Cancelled; finished configurations are kept.' : 'Failed.');
        if (err.name !== 'JobStopped') showMessage(this, 'run', err.message, 'error');
        this.render(losses, baseLoss, name);
      }
    }));
  }

  private render(losses: (number | null)[], baseLoss: number, country: string): void {
    const BUDGET_CONFIGS = this.configs;
    const done = losses.map((l, i) => ({ l, i })).filter((x): x is { l: number; i: number } => x.l !== null);
    if (!done.length) return;
    const best = done.reduce((a, b) => (b.l < a.l ? b : a));
    this.querySelectorAll('tr[data-config]').forEach((tr, i) => tr.classList.toggle('best', i === best.i));
    const label = (i: number) => `${BUDGET_CONFIGS[i].label.replace(/W_([qkvo])/g, 'W$1')}${this.table === 6 ? `, r = ${BUDGET_CONFIGS[i].rank}` : ''}`;
    const paperBest = Math.max(...BUDGET_CONFIGS.map((c) => c.wikiSql));
    const paperTop = BUDGET_CONFIGS.map((c, i) => ({ c, i })).filter((x) => x.c.wikiSql === paperBest).map((x) => label(x.i));
    this.querySelector<HTMLOutputElement>('output[data-role="summary"]')!.value =
      `${country}: lowest held-out loss with ${label(best.i)} (${best.l.toFixed(3)} nats/char` +
      `${Number.isFinite(baseLoss) ? `; the base scores ${baseLoss.toFixed(3)}` : ''}), ${done.length} of ${losses.length} configurations trained. ` +
      `The paper's best on WikiSQL: ${paperTop.join(' and ')}.`;
    const data = done.map((x) => ({ config: label(x.i), loss: x.l }));
    void renderPlot(this.querySelector<HTMLElement>('[data-role="chart"]')!, (Plot, { width, theme }) => Plot.plot({
      width, height: 40 + 24 * BUDGET_CONFIGS.length, marginLeft: this.table === 6 ? 150 : 110,
      x: { label: 'held-out loss (nats per character)', grid: true, zero: false },
      y: { label: null, domain: BUDGET_CONFIGS.map((_, i) => label(i)) },
      marks: [Plot.dot(data, { x: 'loss', y: 'config', fill: theme.series[0], r: 5 })],
    }), { label: `Held-out loss per configuration: ${data.map((d) => `${d.config} ${d.loss.toFixed(3)}`).join('; ')}.` });
  }
}

customElements.define('attention-budget', AttentionBudget);
