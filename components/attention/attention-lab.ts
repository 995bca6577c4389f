// <attention-lab>: trains LoRA adapters on the tiny transformer in the engine worker
// (jobs attention.train / attention.sample / attention.baseLoss / attention.reset), streams
// the loss, and shows samples from the base and the adapted model side by side.
import { defineState, bindInput, type StateStore } from '../lib/state';
import { showMessage, clearMessage, showNotes } from '../lib/messages';
import { formatBytes, formatInt, formatMs } from '../lib/format';
import { whenNear } from '../lib/onscreen';
import { engine } from '../lib/engine';
import type { ProgressView } from '../lib/progress';
import { BUSY_MESSAGE } from '../lib/engine-lock';
import { OFFSCREEN_NOTE, RunController, runFailure } from '../lib/run-controller';
import { clearPlot, renderPlot } from '../lib/plot';
import { COUNTRIES, gptParamCount } from '../../src/core/gpt';
import type { GptTrainEvent, GptTrainParams } from '../../src/api/attention';
import { ADAPTER_NONE, adapterSwitchText, evalEveryFor, labRunKey, labSchema, lossChange } from './lab-state';

const SESSION = 'attention-lab';
const SAMPLES = 8;
const BASE_PARAMS = gptParamCount();

class AttentionLab extends HTMLElement {
  private state!: StateStore<typeof labSchema>;
  /** The engine lock, the job, Cancel, the off-screen pause, and Train/Reset in the order asked (run-controller.ts). */
  private ctl!: RunController;
  private progress!: ProgressView;
  private key: string | null = null;
  private step = 0;
  private target = 0;
  private loss: { step: number; loss: number }[] = [];
  private heldOut: { step: number; loss: number }[] = [];
  private baseLoss = NaN;
  private started = false;
  /** Adapter on/off (job attention.adapter): whether the trained adapter is applied; `switching` while the worker switches it. */
  private adapterOn = true;
  private switching = false;
  /** Actions asked for that have not started yet (inTurn). */
  private readonly waiting = new Set<string>();

  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const prefix = this.dataset.prefix ?? 'al';
    this.state = defineState(labSchema, { prefix });
    const { state } = this;
    showNotes(this, 'url', state.notes);
    const onNotes = (n: string[]) => showNotes(this, 'input', n);
    for (const el of this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-key]')) {
      bindInput(state, el.dataset.key as keyof typeof labSchema & string, el, onNotes);
    }
    bindInput(state, 'targets', this.querySelectorAll<HTMLInputElement>(`input[name="${prefix}-targets"]`), onNotes);
    state.subscribe((_, changed) => {
      const viewOnly = ['steps', 'temperature', 'sampleSeed', 'block', 'head'];
      if (changed.some((k) => !viewOnly.includes(k))) void this.settingsChanged(changed.includes('country'));
    });
    this.ctl = new RunController(this, {
      owner: SESSION, busyMessage: BUSY_MESSAGE, offscreenNote: OFFSCREEN_NOTE, start: () => [this.button('train')],
      lock: () => this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('.settings input, .settings select'),
    });
    this.ctl.onChange(() => this.sync());
    this.progress = this.ctl.progress(this.querySelector('[data-role="progress"]')!, { label: 'Training', unit: 'step' });
    this.button('train').addEventListener('click', () => this.ctl.train((current) => this.train(current)));
    this.button('reset').addEventListener('click', () => void this.ctl.reset(() => this.reset()));
    // Everything that reads or changes the session's adapter runs in turn with Train and Reset. On a
    // GPU backend the worker takes the next message while each sampled character is read back, so a
    // Reset pressed during Generate dropped the adapter mid-sample and its words stayed on screen.
    this.button('generate').addEventListener('click', () => this.inTurn('generate', () => this.generate()));
    this.button('keep').addEventListener('click', () => this.inTurn('keep', () => this.keep()));
    this.button('inside').addEventListener('click', () => this.inTurn('inside', () => this.inside()));
    const adapterBox = this.querySelector<HTMLInputElement>('input[data-role="adapter"]')!;
    adapterBox.addEventListener('change', () => this.inTurn('adapter', () => this.switchAdapter()));
    this.sync();
    this.updateHeads();
    whenNear(this, () => this.inTurn('start', () => this.start()));
  }

  private button(role: string): HTMLButtonElement {
    return this.querySelector<HTMLButtonElement>(`button[data-role="${role}"]`)!;
  }

  private out(role: string): HTMLOutputElement {
    return this.querySelector<HTMLOutputElement>(`output[data-role="${role}"]`)!;
  }

  private get countryName(): string {
    return COUNTRIES.find((c) => c.code === this.state.get('country'))?.name ?? String(this.state.get('country'));
  }

  /**
   * Queue `fn` in turn with Train and Reset. A second press while the first still waits is the same
   * request (the action reads the settings and the switch when it starts), so waiting work does not pile up.
   */
  private inTurn(name: string, fn: () => Promise<void>): void {
    if (this.waiting.has(name)) return;
    this.waiting.add(name);
    this.sync(); // a switch that waits keeps the box as the reader left it
    void this.ctl.inTurn(() => {
      this.waiting.delete(name);
      return fn().finally(() => this.sync());
    });
  }

  /** Train and the settings follow the run controller; Reset stays available while training: it stops the run, then forgets it. */
  private sync(): void {
    // While the adapter is being switched, nothing else may touch it (training and keeping switch it on).
    const busy = this.ctl.running || this.switching;
    // The controller has just set Train and the settings by its own state; a switch in flight holds them too.
    this.button('train').disabled = this.ctl.busy || this.ctl.blocked || this.switching;
    for (const el of this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('.settings input, .settings select')) el.disabled = this.ctl.busy || this.switching;
    this.button('generate').disabled = busy;
    this.button('keep').disabled = busy || this.step === 0;
    this.button('inside').disabled = busy;
    const box = this.querySelector<HTMLInputElement>('input[data-role="adapter"]')!;
    // Not disabled while switching: that would take the focus from a reader who just pressed Space on it.
    box.disabled = this.ctl.running || this.step === 0;
    if (!this.switching && !this.waiting.has('adapter')) box.checked = this.step > 0 && this.adapterOn;
    this.querySelector('[data-role="adapter-why"]')!.textContent = this.step === 0 ? ADAPTER_NONE
      : this.ctl.running ? 'Training applies the adapter; switch it off once the run ends.'
      : adapterSwitchText(this.adapterOn, this.countryName, this.baseLoss, NaN).why;
  }

  /** The adapted column's title: it shows the base's words while the adapter is switched off. */
  private adaptedTitle(): string {
    return `Adapted (${this.countryName})${this.step > 0 && !this.adapterOn ? ', adapter off: the base' : ''}`;
  }


  private updateHeads(): void {
    this.querySelector('[data-role="adapted-head"]')!.textContent = this.adaptedTitle();
    // The attention view's column too, once it has been drawn (Show attention).
    const att = this.querySelector('[data-role="att-adapted-head"]');
    if (att) att.textContent = this.adaptedTitle();
  }

  private async start(): Promise<void> {
    this.started = true;
    engine().backend.then(
      (b) => (this.out('backend').value = b.name === 'wasm' ? 'WebAssembly' : b.name === 'webgl' ? 'WebGL' : b.name === 'webgpu' ? 'WebGPU' : 'CPU'),
      (e: Error) => showMessage(this, 'engine', e.message, 'error'),
    );
    await this.showBaseLoss();
    await this.generate();
  }

  private async showBaseLoss(): Promise<void> {
    const country = this.state.get('country');
    try {
      const r = await engine().run('attention.baseLoss', { country }).done;
      if (country !== this.state.get('country')) return;
      this.baseLoss = r.baseLoss;
      this.out('base-loss').value = `${r.baseLoss.toFixed(3)} nats/char`;
      if (!this.key) this.showBaseSummary();
    } catch (e) {
      showMessage(this, 'engine', (e as Error).message, 'error');
    }
  }

  private async settingsChanged(countryChanged: boolean): Promise<void> {
    if (this.ctl.running) return;
    this.updateHeads();
    if (this.key) await this.ctl.reset(() => this.reset());
    if (countryChanged && this.started) await this.showBaseLoss();
  }

  /** `current()` turns false once a Reset was pressed after this Train (then nothing more is started). */
  private async train(current: () => boolean): Promise<void> {
    if (this.ctl.active || !current()) return;
    const v = this.state.values();
    if (!v.targets.length) {
      showMessage(this, 'run', 'Choose at least one matrix to adapt.', 'error');
      return;
    }
    const ran = await this.ctl.session(() => this.run(v));
    // Part of this action, so a Reset queued behind it waits for the samples too.
    if (ran && current()) await this.generate();
  }

  /** Runs inside the controller's session (the engine claimed, the settings locked). */
  private async run(v: ReturnType<StateStore<typeof labSchema>['values']>): Promise<void> {
    clearMessage(this, 'run');
    const key = labRunKey(v);
    if (key !== this.key) {
      this.key = key;
      this.step = 0;
      this.loss = [];
      this.heldOut = Number.isFinite(this.baseLoss) ? [{ step: 0, loss: this.baseLoss }] : [];
    }
    this.target = this.step + v.steps;
    this.adapterOn = true; // attention.train applies the adapter again
    this.updateHeads();
    const params: GptTrainParams = {
      session: SESSION, country: v.country, targets: v.targets, rank: v.rank, alpha: v.alpha,
      learningRate: v.lr, steps: this.target, seed: v.seed, evalEvery: evalEveryFor(v.steps),
    };
    this.progress.reset();
    this.progress.update(this.step, this.target);
    try {
      const r = await this.ctl.job('attention.train', params, (e) => this.onEvent(e));
      this.step = r.step;
      this.baseLoss = r.baseLoss;
      this.out('trainable').value = formatInt(r.trainableParams);
      this.out('adapted-loss').value = `${r.heldOut.toFixed(3)} nats/char`;
      this.out('summary').value = `${this.countryName}, held-out names: ${lossChange(r.baseLoss, r.heldOut)} after ${formatInt(r.step)} steps.`;
      this.progress.finish(r.stopped ? `Cancelled at step ${formatInt(r.step)}; the adapter keeps what it learned.` : `Trained to step ${formatInt(r.step)}.`);
    } catch (e) {
      const err = e as Error;
      // Divergence explains itself (and the run is cleared below); other failures get a plain sentence.
      const text = err.name === 'TrainingDiverged' ? err.message : runFailure(err, 'attention.train');
      this.progress.finish(text ? 'Training failed.' : 'Cancelled.');
      if (text) showMessage(this, 'run', text, 'error');
      if (err.name === 'TrainingDiverged') this.clearRun();
    }
  }

  private onEvent(e: GptTrainEvent): void {
    if (e.kind === 'step') {
      this.step = e.step;
      this.loss.push({ step: e.step, loss: e.loss });
      this.out('step').value = formatInt(e.step);
      this.out('ms').value = formatMs(e.msPerStep);
      this.progress.update(e.step, e.steps);
    } else {
      this.heldOut.push({ step: e.step, loss: e.heldOut });
      this.out('adapted-loss').value = `${e.heldOut.toFixed(3)} nats/char`;
    }
    this.draw();
  }

  private draw(): void {
    const steps = Math.max(1, this.target, ...this.loss.map((p) => p.step));
    const data = [
      ...this.loss.map((p) => ({ ...p, series: 'training batches' })),
      ...this.heldOut.map((p) => ({ ...p, series: 'held-out names' })),
    ];
    const last = this.heldOut[this.heldOut.length - 1];
    const label = last ? `Loss against step: held-out loss ${last.loss.toFixed(3)} nats per character at step ${last.step}.` : 'Loss against step: no training yet.';
    void renderPlot(this.querySelector<HTMLElement>('[data-role="curves"]')!, (Plot, { width, theme }) => Plot.plot({
      width, height: 220, marginLeft: 48,
      x: { label: 'step', domain: [0, steps], tickFormat: 'd' },
      y: { label: 'loss (nats per character)', grid: true, zero: false },
      color: { domain: ['training batches', 'held-out names'], range: [theme.series[0], theme.series[1]], legend: true },
      marks: [Plot.line(data, { x: 'step', y: 'loss', stroke: 'series', z: 'series', strokeWidth: 2 })],
    }), { label });
  }

  private async generate(): Promise<void> {
    if (this.ctl.running) return;
    const v = this.state.values();
    try {
      const r = await engine().run('attention.sample', {
        session: SESSION, n: SAMPLES, seed: v.sampleSeed, temperature: v.temperature,
      }).done;
      const fill = (role: string, words: string[] | null, empty: string) => {
        const ol = this.querySelector(`[data-role="${role}"]`)!;
        ol.replaceChildren(...(words ?? [empty]).map((w) => {
          const li = document.createElement('li');
          li.textContent = w || '(empty word)';
          if (!words) li.className = 'muted';
          return li;
        }));
      };
      fill('base-samples', r.base, '');
      await this.sampleKept();
      fill('adapted-samples', r.adapted, 'Train first.');
      clearMessage(this, 'sample');
    } catch (e) {
      showMessage(this, 'sample', (e as Error).message, 'error');
    }
  }

  /** One head's attention for the reader's word, base beside adapted (job attention.attention). */
  private async inside(): Promise<void> {
    if (this.ctl.running) return;
    const word = this.querySelector<HTMLInputElement>('input[data-role="word"]')!.value.trim().toLowerCase();
    if (!/^[a-z]{1,15}$/.test(word)) {
      showMessage(this, 'inside', `Type a word of 1 to 15 letters a–z (this model's alphabet) to look inside; “${word}” is not one.`, 'error');
      return;
    }
    clearMessage(this, 'inside');
    const v = this.state.values();
    try {
      const r = await engine().run('attention.attention', {
        session: SESSION, word, layer: v.block - 1, head: v.head - 1,
      }).done;
      this.heatmap('att-base', r.chars, r.base, `Base, block ${v.block}, head ${v.head}`);
      this.querySelector('[data-role="att-adapted-head"]')!.textContent = this.adaptedTitle();
      if (r.adapted) this.heatmap('att-adapted', r.chars, r.adapted, `Adapted, block ${v.block}, head ${v.head}`);
      else this.querySelector('[data-role="att-adapted"]')!.replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'Train first.' }));
    } catch (e) {
      showMessage(this, 'inside', (e as Error).message, 'error');
    }
  }

  private heatmap(role: string, chars: string[], m: number[][], title: string): void {
    // Positions are numbered so repeated letters stay apart on the axes.
    const names = chars.map((c, i) => `${i}${c}`);
    const data = m.flatMap((row, i) => row.map((w, j) => ({ reads: names[i], from: names[j], w, masked: j > i })));
    const strongest = m.map((row, i) => `${chars[i]}→${chars[row.indexOf(Math.max(...row))]}`).join(', ');
    void renderPlot(this.querySelector<HTMLElement>(`[data-role="${role}"]`)!, (Plot, { width, theme }) => Plot.plot({
      width: Math.min(width, 320), height: Math.min(width, 320), marginLeft: 36, marginBottom: 36,
      x: { label: 'reads position', domain: names, tickFormat: (d: string) => d.replace(/^\d+/, '') },
      y: { label: 'position', domain: names, tickFormat: (d: string) => d.replace(/^\d+/, '') },
      color: { type: 'linear', domain: [0, 1], range: [theme.bg, theme.series[0]] },
      marks: [
        Plot.cell(data.filter((d) => !d.masked), { x: 'from', y: 'reads', fill: 'w', inset: 0.5 }),
        Plot.frame({ stroke: theme.border }),
      ],
    }), { label: `${title}: attention of each position to earlier ones; strongest ${strongest}.` });
  }

  private kept = 0;

  /**
   * Adapter on/off: the same trained adapter applied or skipped, no retraining; the held-out loss and samples
   * follow. The box stays enabled (and focused) while the worker switches: a change made meanwhile is applied
   * when the running switch returns, so the box and the model end up agreeing.
   */
  private async switchAdapter(): Promise<void> {
    if (this.ctl.running || this.switching || this.step === 0) return;
    const box = this.querySelector<HTMLInputElement>('input[data-role="adapter"]')!;
    this.switching = true;
    this.sync();
    try {
      while (box.checked !== this.adapterOn && this.step > 0) {
        const on = box.checked;
        const r = await engine().run('attention.adapter', { session: SESSION, on }).done;
        this.adapterOn = r.on;
        this.out('adapted-loss').value = `${r.heldOut.toFixed(3)} nats/char${r.on ? '' : ' (adapter off)'}`;
        this.out('summary').value = adapterSwitchText(r.on, this.countryName, r.baseLoss, r.heldOut).summary;
      }
      clearMessage(this, 'adapter');
    } catch (e) {
      showMessage(this, 'adapter', `The adapter could not be switched: ${(e as Error).message}`, 'error');
    } finally {
      this.switching = false;
      this.sync();
    }
    this.updateHeads();
    await this.generate();
  }

  /** Moves the trained adapter to the kept set (task switching) and starts the next run afresh. */
  private async keep(): Promise<void> {
    if (this.ctl.running || this.step === 0) return;
    const name = this.countryName;
    try {
      const r = await engine().run('attention.keep', { session: SESSION }).done;
      this.kept = r.kept.length;
      this.clearRun();
      this.progress.reset();
      showMessage(this, 'run', `Kept the ${name} adapter. Train another country and keep it too to switch between them.`);
      await this.sampleKept();
    } catch (e) {
      showMessage(this, 'run', (e as Error).message, 'error');
    }
    this.sync();
  }

  private async sampleKept(): Promise<void> {
    if (!this.kept) return;
    const v = this.state.values();
    const r = await engine().run('attention.sampleKept', {
      session: SESSION, n: SAMPLES, seed: v.sampleSeed, temperature: v.temperature,
    }).done;
    const box = this.querySelector('[data-role="kept"]')!;
    box.replaceChildren(...r.adapters.map((a) => {
      const div = document.createElement('div');
      const h = document.createElement('h4');
      h.textContent = `${COUNTRIES.find((c) => c.code === a.code)?.name ?? a.code} adapter`;
      const ol = document.createElement('ol');
      ol.append(...a.words.map((w) => Object.assign(document.createElement('li'), { textContent: w || '(empty word)' })));
      div.append(h, ol);
      return div;
    }));
    const params = r.adapters.map((a) => a.params);
    const each = new Set(params).size === 1 ? `each ${formatInt(params[0])} parameters (${formatBytes(4 * params[0])} in fp32)` : `${params.map(formatInt).join(', ')} parameters`;
    this.out('kept-summary').value = `${r.adapters.length} adapter${r.adapters.length === 1 ? '' : 's'} on one frozen base of ${formatInt(BASE_PARAMS)} parameters (${formatBytes(4 * BASE_PARAMS)} in fp32): ${each}.`;
  }

  private clearRun(): void {
    this.key = null;
    this.step = 0;
    this.adapterOn = true;
    this.target = 0;
    this.loss = [];
    this.heldOut = [];
    this.out('step').value = '0';
    this.out('ms').value = '—';
    this.out('trainable').value = '—';
    this.out('adapted-loss').value = '—';
    this.querySelector('[data-role="adapted-samples"]')!.replaceChildren(Object.assign(document.createElement('li'), { className: 'muted', textContent: 'Train first.' }));
    clearPlot(this.querySelector<HTMLElement>('[data-role="curves"]')!);
    this.querySelector('[data-role="att-adapted"]')!.replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'Train first.' }));
    // After Reset or Keep nothing is trained: the summary and the column titles speak of the base again.
    this.showBaseSummary();
    this.sync();
    this.updateHeads();
  }

  private showBaseSummary(): void {
    if (!Number.isFinite(this.baseLoss)) return;
    this.out('summary').value = `The English-trained base scores ${this.baseLoss.toFixed(3)} nats per character on ${this.countryName}’s held-out names. Train to adapt it.`;
  }

  private async reset(): Promise<void> {
    if (this.ctl.running) return;
    try {
      await engine().run('attention.reset', { session: SESSION }).done;
    } catch (e) {
      showMessage(this, 'run', (e as Error).message, 'error');
    }
    this.clearRun();
    this.progress.reset();
  }
}

customElements.define('attention-lab', AttentionLab);
