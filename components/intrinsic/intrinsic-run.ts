// <intrinsic-run>: trains the 784-200-200-10 network in a random d-dimensional
// subspace in the engine worker (jobs intrinsic.train / intrinsic.reset),
// streaming step, loss and time per step, then the test accuracy.
import { cellState, firstConnect } from '../lib/cell-state';
import type { StateStore } from '../lib/state';
import { clearMessage, showMessage } from '../lib/messages';
import { formatInt, formatMs, formatNumber, formatPercent } from '../lib/format';
import { whenNear } from '../lib/onscreen';
import { engine } from '../lib/engine';
import { RunController, runFailure } from '../lib/run-controller';
import { backendLine } from '../lib/backend-line';
import type { SubspaceTrainParams } from '../../src/api/intrinsic';
import { D, progressText, runSchema, shareOfD } from './logic';
import { RUN_RESULT_EVENT, type RunResultDetail } from './run-result';

const SESSION = 'intrinsic-run';

class IntrinsicRun extends HTMLElement {
  private state!: StateStore<typeof runSchema>;
  private ctl!: RunController;
  /** Steps the worker's network has taken, and the (d, seed) it was made with. */
  private step = 0;
  private key: string | null = null;

  connectedCallback(): void {
    if (!firstConnect(this)) return;
    this.state = cellState(this, runSchema, this.dataset.prefix ?? 'id', 'input[data-key]');
    this.state.subscribe((_, changed) => {
      this.showDims();
      if (changed.some((k) => k !== 'steps') && this.key && this.key !== this.runKey()) {
        this.out('summary').value = 'Settings changed: the next “Train” starts a new network from θ₀.';
      }
    });
    this.showDims();
    this.ctl = new RunController(this, {
      owner: SESSION, start: () => [this.button('train')], pause: this.button('pause'), stop: this.button('stop'),
      lock: () => this.querySelectorAll<HTMLInputElement>('input[data-key]'),
      busyNote: 'The sweep below is using the engine; this cell can train when the sweep finishes or is stopped.',
    });
    this.button('train').addEventListener('click', () => this.ctl.train((current) => this.train(current)));
    this.button('pause').addEventListener('click', () => {
      if (this.ctl.paused) this.out('progress').value = `Paused at step ${formatInt(this.step)}`;
    });
    this.button('reset').addEventListener('click', () => void this.reset());
    whenNear(this, () => {
      engine().backend.then(
        (b) => (this.out('backend').value = backendLine(b)),
        (e: Error) => showMessage(this, 'engine', e.message, 'error'),
      );
    });
  }

  private out(role: string): HTMLOutputElement {
    return this.querySelector<HTMLOutputElement>(`output[data-role="${role}"]`)!;
  }

  private button(role: string): HTMLButtonElement {
    return this.querySelector<HTMLButtonElement>(`button[data-role="${role}"]`)!;
  }

  private runKey(): string {
    return `${this.state.get('d')}:${this.state.get('seed')}`;
  }

  private showDims(): void {
    const d = this.state.get('d');
    this.out('d').value = formatInt(d);
    this.out('share').value = `${shareOfD(d)} (1 in ${formatNumber(D / d, d > D / 10 ? 1 : 0)})`;
  }

  private async train(current: () => boolean): Promise<void> {
    if (!current()) return;
    await this.ctl.session(() => this.run());
  }

  /** Runs inside the controller's session (the engine claimed, the settings locked). */
  private async run(): Promise<void> {
    clearMessage(this, 'run');
    const key = this.runKey();
    if (key !== this.key) this.step = 0;
    const { d, seed } = this.state.values();
    const target = this.step + this.state.get('steps');
    const params: SubspaceTrainParams = { session: SESSION, mode: 'subspace', d, seed, steps: target };
    const bar = this.querySelector<HTMLProgressElement>('progress[data-role="bar"]')!;
    bar.max = target;
    this.out('progress').value = progressText(this.step, target, 0);
    this.out('accuracy').value = '—';
    this.out('summary').value = `Training θ_d (${formatInt(d)} numbers) from step ${formatInt(this.step)}…`;
    try {
      const job = this.ctl.job('intrinsic.train', params, (e) => {
        if (e.kind === 'step') {
          this.step = e.step;
          this.out('step').value = formatInt(e.step);
          bar.value = e.step;
          this.out('progress').value = this.ctl.paused ? `Paused at step ${formatInt(e.step)} of ${formatInt(e.steps)}` : progressText(e.step, e.steps, e.msPerStep);
          this.out('loss').value = formatNumber(e.loss, 3);
          this.out('ms').value = formatMs(e.msPerStep);
        } else {
          this.out('progress').value = `Step ${formatInt(e.step)} of ${formatInt(target)}: measuring test accuracy…`;
        }
      });
      this.key = key;
      const r = await job;
      this.step = r.step;
      this.out('step').value = formatInt(r.step);
      bar.value = r.step;
      this.out('progress').value = r.step < target ? `Stopped at step ${formatInt(r.step)} of ${formatInt(target)}` : `Done: ${formatInt(r.step)} steps`;
      this.out('accuracy').value = formatPercent(r.accuracy, 1);
      this.out('summary').value = `After ${formatInt(r.step)} steps in a ${formatInt(r.d)}-dimensional random subspace (${shareOfD(r.d)} of D): ${formatPercent(r.accuracy, 1)} test accuracy.`;
      document.dispatchEvent(new CustomEvent<RunResultDetail>(RUN_RESULT_EVENT, { detail: { d: r.d, steps: r.step, seed, accuracy: r.accuracy } }));
    } catch (e) {
      const text = runFailure(e, 'intrinsic.train');
      if (text) {
        showMessage(this, 'run', text, 'error');
        this.out('progress').value = 'Stopped by an error';
      }
    }
  }

  private reset(): Promise<void> {
    return this.ctl.reset(() => this.forget());
  }

  private async forget(): Promise<void> {
    try {
      await engine().run('intrinsic.reset', { session: SESSION, what: 'run' }).done;
    } catch (e) {
      showMessage(this, 'run', (e as Error).message, 'error');
      return;
    }
    this.step = 0;
    this.out('step').value = '0';
    this.key = null;
    clearMessage(this, 'run');
    const bar = this.querySelector<HTMLProgressElement>('progress[data-role="bar"]')!;
    bar.value = 0;
    this.out('progress').value = 'Not started';
    for (const role of ['loss', 'ms', 'accuracy']) this.out(role).value = '—';
    this.out('summary').value = 'Reset: the next “Train” starts from θ₀ again.';
  }
}

if (!customElements.get('intrinsic-run')) customElements.define('intrinsic-run', IntrinsicRun);
