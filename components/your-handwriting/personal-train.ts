// <handwriting-train>: sends the reader's set (training and held-out parts) to the worker, streams
// the training's progress with Cancel, and shows base vs adapter on held-out drawings and MNIST.
import { firstConnect } from '../lib/cell-state';
import { SESSION, scoreText, trainSchema } from './settings';
import { store } from './store';
import { BUSY_MESSAGE } from '../lib/engine-lock';
import { RunController } from '../lib/run-controller';
import { clearMessage, showMessage, showNotes } from '../lib/messages';
import { bindInput, defineState } from '../lib/state';
import { formatInt } from '../lib/format';
import { pack, readiness } from '../../src/core/handwriting/drawings';
import { COPIES } from '../../src/core/handwriting/settings';
import type { HwTrainEvent, HwTrainResult } from '../../src/api/handwriting';

class HandwritingTrain extends HTMLElement {
  connectedCallback(): void {
    if (!firstConnect(this)) return;
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
    // The bar and its Cancel stay hidden (in the markup) until a run starts: before, there is
    // nothing to show or cancel; after, finish() hides Cancel and the bar keeps the last result.
    const progressBox = q<HTMLElement>('[data-role="progress"]');
    const ctl = new RunController(this, { owner: 'handwriting-train', busyMessage: BUSY_MESSAGE, busyKey: 'train', busyTone: 'error', start: () => [button] });
    const progress = ctl.progress(progressBox, { label: 'Training' });

    const sync = () => {
      toggle.disabled = !store.adapters.some((a) => a.id === 'mine');
      toggle.checked = store.reader === 'mine';
    };
    store.subscribe(sync);
    toggle.addEventListener('change', () => store.setReader(toggle.checked ? 'mine' : 'base'));

    button.addEventListener('click', async () => {
      clearMessage(this, 'train');
      const why = readiness(store.drawings);
      if (why) {
        // The summary line says it too: it is the cell's visible status, where a reader looks after pressing Train.
        out('summary').value = why;
        return showMessage(this, 'train', why, 'error');
      }
      await ctl.session(() => trainOnDrawings());
    });
    const trainOnDrawings = async () => {
      const { rank, steps, seed } = state.values();
      const train = pack(store.drawings, 'train');
      const heldOut = pack(store.drawings, 'heldOut');
      progress.reset();
      progressBox.hidden = false;
      out('summary').value = `Training on ${train.n} drawings (${formatInt(train.n * COPIES)} with their jittered copies)…`;
      try {
        const r = await ctl.job('handwriting.train',
          { session: SESSION, train: { images: train.images, labels: train.labels }, heldOut: { images: heldOut.images, labels: heldOut.labels }, rank: Number(rank), steps, seed },
          (e) => {
            if (e.kind === 'step') progress.update(e.step, e.steps);
            else out('summary').value = 'Measuring on your held-out drawings and the MNIST test digits…';
          });
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
      }
    };
    sync();
  }
}

if (!customElements.get('handwriting-train')) customElements.define('handwriting-train', HandwritingTrain);
