// <handwriting-train>: sends the reader's set (training and held-out parts) to the worker, streams
// the training's progress with Cancel, and shows base vs adapter on held-out drawings and MNIST.
import { SESSION, scoreText, trainSchema } from './settings';
import { store } from './store';
import { engine } from '../lib/engine';
import { claim, release, BUSY_MESSAGE } from '../lib/engine-lock';
import { clearMessage, showMessage, showNotes } from '../lib/messages';
import { createProgress } from '../lib/progress';
import { bindInput, defineState } from '../lib/state';
import { formatInt } from '../lib/format';
import { pack, readiness } from '../../src/core/handwriting/drawings';
import { COPIES } from '../../src/core/handwriting/settings';
import type { HwTrainEvent, HwTrainResult } from '../../src/api/handwriting';

class HandwritingTrain extends HTMLElement {
  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    store.load();
    const state = defineState(trainSchema, { prefix: this.dataset.prefix });
    showNotes(this, 'url', state.notes);
    for (const key of ['rank', 'steps', 'seed'] as const) {
      bindInput(state, key, this.querySelector<HTMLInputElement>(`[data-key="${key}"]`)!, (n) => showNotes(this, 'input', n));
    }
    const q = <T extends Element>(sel: string) => this.querySelector<T>(sel)!;
    const out = (role: string) => q<HTMLOutputElement>(`output[data-role="${role}"]`);
    const button = q<HTMLButtonElement>('button[data-role="train"]');
    const toggle = q<HTMLInputElement>('input[data-role="adapter-on"]');
    let job: { stop(): void } | null = null;
    const progress = createProgress(q('[data-role="progress"]'), { label: 'Training', onCancel: () => job?.stop() });

    const sync = () => {
      toggle.disabled = !store.adapters.some((a) => a.id === 'mine');
      toggle.checked = store.reader === 'mine';
    };
    store.subscribe(sync);
    toggle.addEventListener('change', () => store.setReader(toggle.checked ? 'mine' : 'base'));

    button.addEventListener('click', async () => {
      clearMessage(this, 'train');
      const why = readiness(store.drawings);
      if (why) return showMessage(this, 'train', why, 'error');
      if (!claim('handwriting-train')) return showMessage(this, 'train', BUSY_MESSAGE, 'error');
      const { rank, steps, seed } = state.values();
      const train = pack(store.drawings, 'train');
      const heldOut = pack(store.drawings, 'heldOut');
      button.disabled = true;
      progress.reset();
      out('summary').value = `Training on ${train.n} drawings (${formatInt(train.n * COPIES)} with their jittered copies)…`;
      try {
        const handle = engine().run('handwriting.train',
          { session: SESSION, train: { images: train.images, labels: train.labels }, heldOut: { images: heldOut.images, labels: heldOut.labels }, rank: Number(rank), steps, seed },
          (e) => {
            if (e.kind === 'step') progress.update(e.step, e.steps);
            else out('summary').value = 'Measuring on your held-out drawings and the MNIST test digits…';
          });
        job = handle;
        const r = await handle.done;
        progress.finish(`Trained ${formatInt(r.steps)} steps.`);
        out('held-base').value = scoreText(r.heldOut.base);
        out('held-adapter').value = scoreText(r.heldOut.adapter);
        out('mnist-base').value = scoreText(r.mnist.base);
        out('mnist-adapter').value = scoreText(r.mnist.adapter);
        const forgot = r.mnist.base.correct - r.mnist.adapter.correct;
        out('summary').value = `Your adapter: rank ${r.rank}, ${formatInt(r.params)} parameters, trained on ${formatInt(r.examples)} examples. `
          + `On your held-out drawings it gets ${r.heldOut.adapter.correct} right where the base gets ${r.heldOut.base.correct}. `
          + (forgot > 0 ? `On MNIST it gets ${formatInt(forgot)} fewer right than the base: it forgot some of the plain digits.` : `On MNIST it gets as many or more right overall (${formatInt(r.mnist.adapter.correct)} vs ${formatInt(r.mnist.base.correct)}).`);
        store.setAdapter({ id: 'mine', label: 'the base + your adapter', rank: r.rank, fileBytes: r.fileBytes });
        store.setReader('mine');
      } catch (e) {
        const err = e as Error;
        progress.finish(err.name === 'JobStopped' ? 'Cancelled; the previous adapter (if any) is kept.' : 'Training failed.');
        out('summary').value = err.name === 'JobStopped' ? 'Cancelled.' : 'No new adapter.';
        if (err.name !== 'JobStopped') showMessage(this, 'train', err.message, 'error');
      } finally {
        job = null;
        button.disabled = false;
        release('handwriting-train');
      }
    });
    sync();
  }
}

if (!customElements.get('handwriting-train')) customElements.define('handwriting-train', HandwritingTrain);
