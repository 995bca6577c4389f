// <handwriting-pad>: draws with pointer events (mouse, touch, pen), preprocesses the strokes the
// MNIST way on the page (cheap, no tfjs), asks the worker for the reading, and adds labelled
// drawings to the reader's set. Keyboard route: "Show a sample digit".
import { PAD, SESSION } from './settings';
import { store } from './store';
import { engine } from '../lib/engine';
import { clearMessage, showMessage } from '../lib/messages';
import { renderPlot } from '../lib/plot';
import { whenNear } from '../lib/onscreen';
import { formatPercent } from '../lib/format';
import { EMPTY_REASON, SIDE, preprocess, rasterize, type Point } from '../../src/core/handwriting/preprocess';
import { nextPrompt } from '../../src/core/handwriting/drawings';

type Current = { pixels: Uint8Array; naive: Uint8Array | null; source: 'drawn' | 'sample'; label?: number } | null;

const argmax = (xs: number[]) => xs.reduce((best, v, i) => (v > xs[best] ? i : best), 0);

function paintImage(canvas: HTMLCanvasElement, pixels: Uint8Array | null): void {
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(SIDE, SIDE);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = pixels ? pixels[i] : 0;
    img.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
}

class HandwritingPad extends HTMLElement {
  private strokes: Point[][] = [];
  private current: Current = null;
  private inFlight = false;
  private queued = false;
  private started = false;
  private sampleIndex = 0;

  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    store.load();
    const q = <T extends Element>(sel: string) => this.querySelector<T>(sel)!;
    const pad = q<HTMLCanvasElement>('canvas[data-role="pad"]');
    const naive = q<HTMLCanvasElement>('canvas[data-role="naive"]');
    const processed = q<HTMLCanvasElement>('canvas[data-role="processed"]');
    const reading = q<HTMLOutputElement>('output[data-role="reading"]');
    const naiveReading = q<HTMLOutputElement>('output[data-role="naive-reading"]');
    const probs = q<HTMLElement>('[data-role="probs"]');
    const reader = q<HTMLSelectElement>('select[data-role="reader"]');
    const labelSel = q<HTMLSelectElement>('select[data-role="label"]');
    const add = q<HTMLButtonElement>('button[data-role="add"]');
    const undo = q<HTMLButtonElement>('button[data-role="undo"]');
    const wipe = q<HTMLButtonElement>('button[data-role="wipe"]');
    const prompt = q<HTMLOutputElement>('output[data-role="prompt"]');
    const ctx = pad.getContext('2d')!;
    paintImage(naive, null);
    paintImage(processed, null);
    if (store.storageNote) showMessage(this, 'storage', store.storageNote);

    const ink = () => getComputedStyle(pad).color || '#000';
    let sampleShown: HTMLCanvasElement | null = null;
    const redraw = () => {
      ctx.clearRect(0, 0, PAD, PAD);
      if (sampleShown && this.current?.source === 'sample') {
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(sampleShown, 0, 0, PAD, PAD);
        return;
      }
      ctx.strokeStyle = ctx.fillStyle = ink();
      ctx.lineWidth = 16;
      ctx.lineCap = ctx.lineJoin = 'round';
      for (const s of this.strokes) {
        ctx.beginPath();
        s.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
        if (s.length === 1) ctx.lineTo(s[0][0] + 0.01, s[0][1]);
        ctx.stroke();
      }
    };

    const drawChart = (p: number[]) => {
      const top = argmax(p);
      void renderPlot(probs, (Plot, { width, theme }) => Plot.plot({
        width: Math.min(width, 520), height: 170, marginLeft: 44,
        x: { label: 'digit', domain: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], tickFormat: String },
        y: { label: 'probability', domain: [0, 1], grid: true, tickFormat: '.0%' },
        style: { background: 'transparent', color: theme.fg },
        marks: [
          Plot.barY(p.map((v, d) => ({ d, v })), { x: 'd', y: 'v', fill: (r: { d: number }) => (r.d === top ? theme.accent : theme.muted) }),
          Plot.ruleY([0], { stroke: theme.border }),
        ],
      }), { label: `Probabilities for digits 0 to 9: ${p.map((v, d) => `${d} ${formatPercent(v)}`).join(', ')}.` });
    };

    // One request in flight; while it runs, only the newest image waits (drawing makes many).
    const predict = async () => {
      if (this.inFlight) return void (this.queued = true);
      const cur = this.current;
      if (!cur) return;
      this.inFlight = true;
      try {
        const { probs: p } = await engine().run('handwriting.predict', { session: SESSION, pixels: cur.pixels, adapter: store.reader }).done;
        if (cur === this.current) {
          const top = argmax(p);
          reading.value = `Reads ${top}, probability ${formatPercent(p[top])}.`;
          drawChart(p);
          clearMessage(this, 'engine');
        }
        if (cur.naive && cur === this.current) {
          const n = await engine().run('handwriting.predict', { session: SESSION, pixels: cur.naive, adapter: store.reader }).done;
          const t = argmax(n.probs);
          if (cur === this.current) naiveReading.value = `Shrunk as it is, without the MNIST steps, it would read ${t}, probability ${formatPercent(n.probs[t])}.`;
        } else if (cur === this.current) naiveReading.value = '';
      } catch (e) {
        showMessage(this, 'engine', `The model could not read the drawing: ${(e as Error).message}`, 'error');
      } finally {
        this.inFlight = false;
        if (this.queued) {
          this.queued = false;
          void predict();
        }
      }
    };

    const showEmpty = (why = EMPTY_REASON) => {
      this.current = null;
      paintImage(naive, null);
      paintImage(processed, null);
      naive.setAttribute('aria-label', 'Your drawing shrunk to 28×28 as it is: empty');
      processed.setAttribute('aria-label', 'The 28×28 image the model sees: empty');
      reading.value = why;
      naiveReading.value = '';
      // Through renderPlot, so that a chart still waiting to be drawn (or redrawn on resize) is replaced too.
      void renderPlot(probs, () => Object.assign(document.createElement('p'), { className: 'hw-no-chart', textContent: 'No drawing to read.' }),
        { label: 'No probabilities: nothing to read.' });
      add.disabled = true;
    };

    const update = () => {
      const r = preprocess(this.strokes);
      if (r.empty) return showEmpty(r.reason);
      const shrunk = rasterize(this.strokes, SIDE / PAD, 0, 0);
      this.current = { pixels: r.pixels, naive: shrunk, source: 'drawn' };
      paintImage(naive, shrunk);
      paintImage(processed, r.pixels);
      naive.setAttribute('aria-label', 'Your drawing shrunk to 28×28 as it is, without the MNIST steps');
      processed.setAttribute('aria-label', `The 28×28 image the model sees: ink ${r.inkSize[0].toFixed(0)} by ${r.inkSize[1].toFixed(0)} pixels, centred by its centre of mass`);
      add.disabled = false;
      if (!this.started) this.start();
      void predict();
    };

    // ---- drawing -------------------------------------------------------------------------------
    let drawing: number | null = null;
    const at = (e: PointerEvent): Point => {
      const r = pad.getBoundingClientRect();
      return [((e.clientX - r.left) / r.width) * PAD, ((e.clientY - r.top) / r.height) * PAD];
    };
    let frame = 0;
    const soon = () => {
      if (!frame) frame = requestAnimationFrame(() => ((frame = 0), update()));
    };
    pad.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 && e.pointerType === 'mouse') return;
      e.preventDefault();
      if (this.current?.source === 'sample') this.strokes = [];
      drawing = e.pointerId;
      pad.setPointerCapture(e.pointerId);
      this.strokes.push([at(e)]);
      redraw();
      soon();
    });
    pad.addEventListener('pointermove', (e) => {
      if (drawing !== e.pointerId) return;
      this.strokes[this.strokes.length - 1].push(at(e));
      redraw();
      soon();
    });
    const end = (e: PointerEvent) => {
      if (drawing !== e.pointerId) return;
      drawing = null;
      update();
    };
    pad.addEventListener('pointerup', end);
    pad.addEventListener('pointercancel', end);

    q<HTMLButtonElement>('button[data-role="clear"]').addEventListener('click', () => {
      this.strokes = [];
      redraw();
      showEmpty();
    });

    // ---- the keyboard route: a sample digit from the site's training digits ----------------------
    q<HTMLButtonElement>('button[data-role="sample"]').addEventListener('click', async () => {
      this.start();
      try {
        const s = await engine().run('handwriting.sample', { index: this.sampleIndex }).done;
        this.sampleIndex += 37; // a stride through the subset, so successive samples vary
        this.strokes = [];
        sampleShown = document.createElement('canvas');
        sampleShown.width = sampleShown.height = SIDE;
        paintImage(sampleShown, s.pixels);
        this.current = { pixels: s.pixels, naive: null, source: 'sample', label: s.label };
        redraw();
        paintImage(naive, s.pixels);
        paintImage(processed, s.pixels);
        naive.setAttribute('aria-label', `Sample digit ${s.label}, already 28×28`);
        processed.setAttribute('aria-label', `The 28×28 image the model sees: sample digit ${s.label} from MNIST`);
        labelSel.value = String(s.label);
        add.disabled = false;
        showMessage(this, 'sample', `Showing MNIST training digit number ${s.index + 1} of ${s.of.toLocaleString('en-US')}, a ${s.label}; it is already in MNIST form.`);
        void predict();
      } catch (e) {
        showMessage(this, 'sample', `No sample could be loaded: ${(e as Error).message}`, 'error');
      }
    });

    // ---- the personal set ----------------------------------------------------------------------
    const renderSet = () => {
      const rows = { train: q('tr[data-role="train-row"]'), held: q('tr[data-role="held-row"]') };
      const cells = (row: Element) => [...row.querySelectorAll('td')];
      for (let d = 0; d < 10; d++) {
        cells(rows.train)[d].textContent = String(store.drawings.filter((x) => x.label === d && !x.heldOut).length);
        cells(rows.held)[d].textContent = String(store.drawings.filter((x) => x.label === d && x.heldOut).length);
      }
      const next = nextPrompt(store.drawings);
      const n = store.drawings.length;
      prompt.value = next
        ? `${n ? `${n} drawing${n === 1 ? '' : 's'} so far. ` : ''}Next: draw a ${next.label} (${next.have + 1} of ${next.of}). Every third drawing of a digit is held out to test the adapter.`
        : `${n} drawings: three of every digit. Train your adapter below, or add more.`;
      undo.disabled = wipe.disabled = n === 0;
      if (next && this.current?.source !== 'sample') labelSel.value = String(next.label);
      const keep = store.reader;
      reader.replaceChildren(new Option('the base model only', 'base'), ...store.adapters.map((a) => new Option(a.label, a.id)));
      reader.value = store.adapters.some((a) => a.id === keep) ? keep : 'base';
    };
    // The reader also changes from other cells (the "Adapter on" switch, a finished training, a
    // forgotten file): whichever way, the bars and the reading must be the new model's.
    let lastReader = store.reader;
    store.subscribe(() => {
      renderSet();
      if (store.reader !== lastReader) {
        lastReader = store.reader;
        void predict();
      }
    });
    renderSet();
    reader.addEventListener('change', () => store.setReader(reader.value));

    add.addEventListener('click', () => {
      const cur = this.current;
      if (!cur) return showMessage(this, 'add', EMPTY_REASON, 'error');
      const label = Number(labelSel.value);
      try {
        const d = store.add(label, cur.pixels, cur.source);
        showMessage(this, 'add', `Added a ${label}${d.heldOut ? ', held out for testing' : ', for training'}.`);
        if (store.storageNote) showMessage(this, 'storage', store.storageNote);
        this.strokes = [];
        redraw();
        showEmpty('Added. Draw the next one.');
        this.current = null;
        renderSet();
      } catch (e) {
        showMessage(this, 'add', (e as Error).message, 'error');
      }
    });
    undo.addEventListener('click', () => {
      store.removeLast();
      showMessage(this, 'add', 'Removed the last drawing.');
    });
    wipe.addEventListener('click', () => {
      if (!confirm('Remove all your drawings from this browser?')) return;
      store.clear();
      showMessage(this, 'add', 'Your set is empty.');
    });

    // The pad's ink follows the theme's text colour.
    document.addEventListener('themechange', redraw);

    // The engine (and tfjs) load only once the pad is near the screen.
    whenNear(this, () => this.start());
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    engine().backend.catch((e: Error) => showMessage(this, 'engine', `The engine could not start: ${e.message}`, 'error'));
  }
}

if (!customElements.get('handwriting-pad')) customElements.define('handwriting-pad', HandwritingPad);
