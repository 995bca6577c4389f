// <handwriting-swap>: the personal adapter and drawings as downloads; adapter and drawings files
// loaded back (bad files refused with the reason, nothing changed); the classroom table.
import { SESSION, adapterFileName, drawingsFileName, scoreText } from './settings';
import { store } from './store';
import { engine } from '../lib/engine';
import { busyOwner, onBusyChange } from '../lib/engine-lock';
import { clearMessage, showMessage } from '../lib/messages';
import { formatBytes, formatInt, formatRatio } from '../lib/format';
import { whenNear } from '../lib/onscreen';
import { pack, parseDrawings, serializeDrawings, type Drawing } from '../../src/core/handwriting/drawings';
import type { AdapterSummary, Score } from '../../src/api/handwriting';

interface DrawingSet { name: string; drawings: Drawing[] }

/**
 * Larger than any adapter file of this network (rank 16 on all three layers: 16 × (784 + 1,000 +
 * 1,000 + 2,000 + 2,000 + 10) = 108,704 float32 numbers, 434,816 bytes plus a header of a few
 * hundred) or any drawings file of 500 drawings.
 */
const MAX_FILE = 5_000_000;

const WAITING = 'The table is scored again once the engine is free.';

class HandwritingSwap extends HTMLElement {
  private urls: string[] = [];
  private sets: DrawingSet[] = [];
  private generation = 0;
  /** The table job in flight, stopped when a newer request or a training makes it out of date. */
  private job: { stop(): void } | null = null;
  /** What the table shows is out of date and waits to be scored. */
  private dirty = false;
  private cancelNear: (() => void) | null = null;
  private unsubscribe: (() => void)[] = [];

  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    store.load();
    const baseBytes = Number(this.dataset.baseBytes);
    const q = <T extends Element>(sel: string) => this.querySelector<T>(sel)!;
    const out = (role: string) => q<HTMLOutputElement>(`output[data-role="${role}"]`);
    const who = q<HTMLInputElement>('#hw-who');
    const saveAdapter = q<HTMLButtonElement>('button[data-role="save-adapter"]');
    const saveDrawings = q<HTMLButtonElement>('button[data-role="save-drawings"]');

    const link = (target: HTMLOutputElement, bytes: BlobPart, type: string, name: string, size: number) => {
      const url = URL.createObjectURL(new Blob([bytes], { type }));
      this.urls.push(url);
      const a = Object.assign(document.createElement('a'), { href: url, download: name, textContent: `Download ${name}` });
      target.replaceChildren(a, ` (${formatBytes(size)})`);
    };

    saveAdapter.addEventListener('click', async () => {
      clearMessage(this, 'save');
      try {
        const r = await engine().run('handwriting.save', { session: SESSION }).done;
        link(out('adapter-link'), new Uint8Array(r.bytes), 'application/octet-stream', adapterFileName(r.rank, who.value), r.bytes.length);
        out('adapter-bytes').value = `${formatInt(r.bytes.length)} bytes (the base is ${formatRatio(baseBytes / r.bytes.length)} larger)`;
      } catch (e) {
        showMessage(this, 'save', (e as Error).message, 'error');
      }
    });
    saveDrawings.addEventListener('click', () => {
      const text = serializeDrawings(store.drawings, who.value.trim());
      link(out('drawings-link'), text, 'application/json', drawingsFileName(who.value), new TextEncoder().encode(text).length);
    });

    const readFile = async (f: File): Promise<ArrayBuffer> => {
      if (f.size > MAX_FILE) throw new Error(`${f.name} is ${formatBytes(f.size)}: far larger than any adapter or drawings file of this page.`);
      return f.arrayBuffer();
    };

    // Adapter files: each is checked by the engine against this page's base; a bad one is refused alone.
    const adapterInput = q<HTMLInputElement>('#hw-adapter-files');
    adapterInput.addEventListener('change', async () => {
      clearMessage(this, 'load');
      const errors: string[] = [];
      const loaded: string[] = [];
      for (const f of [...(adapterInput.files ?? [])]) {
        try {
          const bytes = new Uint8Array(await readFile(f));
          const s = await engine().run('handwriting.load', { session: SESSION, bytes, name: f.name }).done;
          store.setAdapter({ id: s.id, label: `the base + ${f.name}`, rank: s.rank, fileBytes: s.fileBytes });
          loaded.push(`${f.name} (rank ${s.rank}, ${formatInt(s.params)} parameters, ${formatInt(s.fileBytes)} bytes)`);
        } catch (e) {
          errors.push(`${f.name}: ${(e as Error).message}`);
        }
      }
      adapterInput.value = '';
      if (loaded.length) out('loaded').value = `Loaded ${loaded.join('; ')}.`;
      if (errors.length) showMessage(this, 'load', `Not loaded: ${errors.join(' ')}`, 'error');
    });

    const readDrawings = async (f: File): Promise<DrawingSet> => {
      const text = new TextDecoder().decode(await readFile(f));
      const r = parseDrawings(text);
      return { name: r.name || f.name, drawings: r.drawings };
    };

    const drawingInput = q<HTMLInputElement>('#hw-drawing-files');
    drawingInput.addEventListener('change', async () => {
      clearMessage(this, 'load');
      const errors: string[] = [];
      for (const f of [...(drawingInput.files ?? [])]) {
        try {
          const set = await readDrawings(f);
          if (!set.drawings.some((d) => d.heldOut)) throw new Error('it holds no held-out drawings to score on.');
          this.sets.push(set);
          out('loaded').value = `Loaded the drawings of ${set.name} (${set.drawings.length}, ${set.drawings.filter((d) => d.heldOut).length} held out).`;
        } catch (e) {
          errors.push(`${f.name}: ${(e as Error).message}`);
        }
      }
      drawingInput.value = '';
      if (errors.length) showMessage(this, 'load', `Not loaded: ${errors.join(' ')}`, 'error');
      updateForget();
      this.requestScore();
    });

    const restore = q<HTMLInputElement>('#hw-restore');
    restore.addEventListener('change', async () => {
      clearMessage(this, 'load');
      const f = restore.files?.[0];
      if (!f) return;
      try {
        const set = await readDrawings(f);
        store.addAll(set.drawings);
        out('loaded').value = `Added ${set.drawings.length} drawings from ${f.name} to your set.`;
      } catch (e) {
        showMessage(this, 'load', `${f.name} was not added: ${(e as Error).message}`, 'error');
      } finally {
        restore.value = '';
      }
    });

    const forget = q<HTMLButtonElement>('button[data-role="forget"]');
    const updateForget = () => (forget.disabled = !this.sets.length && !store.adapters.some((a) => a.id !== 'mine'));
    forget.addEventListener('click', async () => {
      clearMessage(this, 'load');
      const files = store.adapters.filter((a) => a.id !== 'mine');
      try {
        for (const a of files) {
          await engine().run('handwriting.unload', { session: SESSION, id: a.id }).done;
          store.removeAdapter(a.id);
        }
        this.sets = [];
        out('loaded').value = 'Nothing loaded.';
      } catch (e) {
        showMessage(this, 'load', `Could not forget the files: ${(e as Error).message}`, 'error');
      }
      updateForget();
      this.requestScore();
    });

    let lastKey = '';
    let lastMine: unknown = undefined;
    this.unsubscribe.push(store.subscribe(() => {
      const mine = store.adapters.find((a) => a.id === 'mine');
      saveAdapter.disabled = !mine;
      if (mine !== lastMine) {
        // A newly trained adapter: a link made for the previous one would hand out stale numbers.
        lastMine = mine;
        out('adapter-link').value = mine ? 'Your adapter is ready: “Make my adapter file” writes it.' : 'Train your adapter first; its file appears here.';
        out('adapter-bytes').value = '—';
      }
      saveDrawings.disabled = !store.drawings.length;
      // Re-score only when what the table shows has changed (not when the pad's reader changes).
      updateForget();
      const key = JSON.stringify([store.adapters, store.drawings.length]);
      if (key !== lastKey) {
        lastKey = key;
        this.requestScore();
      }
    }));
    // A training claims the engine: a table scored alongside would slow it and be out of date at its
    // end, so it is stopped and scored again once the engine is free.
    this.unsubscribe.push(onBusyChange((owner) => {
      if (owner) this.pause(WAITING);
      else if (this.dirty) this.requestScore();
    }));
    saveDrawings.disabled = !store.drawings.length;
    this.renderHead();
    // The first scoring (the base on your stored drawings) waits until the table is near the screen.
    this.requestScore();
  }

  private status(): HTMLOutputElement {
    return this.querySelector<HTMLOutputElement>('output[data-role="table-status"]')!;
  }

  /**
   * Asks for the table to be scored again. A scoring reads every MNIST test digit once per model,
   * so it runs only once the table is near the screen and no cell holds the engine, and a newer
   * request stops the one in flight rather than queueing behind it.
   */
  private requestScore(): void {
    this.dirty = true;
    this.pause();
    if (busyOwner()) {
      this.status().value = WAITING;
      return;
    }
    this.cancelNear?.();
    this.cancelNear = whenNear(this, () => {
      this.cancelNear = null;
      if (this.dirty && !busyOwner()) void this.score();
    });
  }

  /** Stops the scoring in flight (its figures would be stale) and marks the table out of date. */
  private pause(why?: string): void {
    if (!this.job) return;
    this.generation++;
    this.job.stop();
    this.job = null;
    this.dirty = true;
    if (why) this.status().value = why;
  }

  private columns(): { name: string; drawings: Drawing[] }[] {
    return [{ name: 'your drawings', drawings: store.drawings }, ...this.sets];
  }

  private renderHead(): void {
    const head = this.querySelector('tr[data-role="head"]')!;
    const th = (text: string, scope = 'col') => Object.assign(document.createElement('th'), { scope, textContent: text });
    head.replaceChildren(th('Model'), ...this.columns().map((c) => th(`${c.name} (${c.drawings.filter((d) => d.heldOut).length} held out)`)), th('MNIST test digits'));
  }

  /** Scores every adapter on every set's held-out drawings (and MNIST); a newer request supersedes an older one. */
  private async score(): Promise<void> {
    this.job?.stop();
    this.dirty = false;
    const gen = ++this.generation;
    this.renderHead();
    const status = this.status();
    const adapters = ['base', ...store.adapters.map((a) => a.id)];
    const labels = new Map([['base', 'Base model only'], ...store.adapters.map((a) => [a.id, a.id === 'mine' ? 'Base + your adapter' : `Base + ${a.label.replace(/^the base \+ /, '')}`] as [string, string])]);
    const sets = this.columns().map((c) => {
      const p = pack(c.drawings, 'heldOut');
      return { images: p.images, labels: p.labels };
    });
    status.value = 'Scoring…';
    try {
      const handle = engine().run('handwriting.table', { session: SESSION, adapters, sets });
      this.job = handle;
      const r = await handle.done;
      if (gen !== this.generation) return;
      this.job = null;
      const body = this.querySelector('tbody[data-role="rows"]')!;
      body.replaceChildren(...r.rows.map((row) => {
        const tr = document.createElement('tr');
        tr.dataset.adapter = row.adapter;
        tr.append(Object.assign(document.createElement('th'), { scope: 'row', textContent: labels.get(row.adapter) ?? row.adapter }));
        for (const s of [...row.sets, row.mnist]) tr.append(Object.assign(document.createElement('td'), { textContent: scoreText(s) }));
        return tr;
      }));
      status.value = `${r.rows.length} model${r.rows.length === 1 ? '' : 's'} scored on ${sets.length} set${sets.length === 1 ? '' : 's'} of drawings and on the ${formatInt(r.rows[0].mnist.n)} MNIST test digits.`;
    } catch (e) {
      if (gen !== this.generation) return;
      this.job = null;
      status.value = `The table could not be scored: ${(e as Error).message}`;
    }
  }

  disconnectedCallback(): void {
    this.urls.forEach((u) => URL.revokeObjectURL(u));
    this.unsubscribe.forEach((f) => f());
    this.cancelNear?.();
    this.job?.stop();
  }
}

if (!customElements.get('handwriting-swap')) customElements.define('handwriting-swap', HandwritingSwap);
