// <adapter-files>: saves a trained adapter as a file (a download link made from
// the worker's bytes) and loads one back: a good file is swapped in and scored,
// a bad one is refused with the engine's reason.
import { clearMessage, showMessage } from '../lib/messages';
import { formatBytes, formatInt, formatPercent } from '../lib/format';
import { SCORED_ON } from './format';
import { engine } from '../lib/engine';
import type { SlotSummary } from '../../src/api/merge';
import { TASK_LABEL } from '../which-rank/sweep-logic';
import { COLUMNS, SESSION, adapterFileName, type AdapterSlot, type Column } from './settings';
import { onSlots, refreshSlots, useSlot } from './switch-client';

const COL: Record<Column, string> = { original: 'plain digits', fours: '4s', rotated: 'rotated digits', inverted: 'inverted digits' };

class AdapterFiles extends HTMLElement {
  private url: string | null = null;

  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const baseBytes = Number(this.dataset.baseBytes);
    const q = <T extends Element>(sel: string) => this.querySelector<T>(sel)!;
    const out = (role: string) => q<HTMLOutputElement>(`output[data-role="${role}"]`);
    const select = q<HTMLSelectElement>('select[data-role="slot"]');
    const save = q<HTMLButtonElement>('button[data-role="save"]');
    const file = q<HTMLInputElement>('input[type="file"]');

    onSlots((slots: SlotSummary[]) => {
      const trained = slots.filter((s) => s.slot !== 'uploaded' && s.task);
      const keep = select.value;
      select.replaceChildren(...(trained.length
        ? trained.map((s) => new Option(`${TASK_LABEL[s.task!]} (rank ${s.rank}, ${s.steps} steps)`, s.slot))
        : [new Option('none trained yet', '')]));
      if (trained.some((s) => s.slot === keep)) select.value = keep;
      select.disabled = save.disabled = !trained.length;
    });

    save.addEventListener('click', async () => {
      clearMessage(this, 'save');
      const slot = select.value as AdapterSlot;
      if (!slot) return;
      save.disabled = true;
      try {
        const r = await engine().run('merge.save', { session: SESSION, slot }).done;
        if (this.url) URL.revokeObjectURL(this.url);
        this.url = URL.createObjectURL(new Blob([new Uint8Array(r.bytes)], { type: 'application/octet-stream' }));
        const name = adapterFileName(r.task ?? 'adapter', r.rank, r.steps ?? 0);
        const a = Object.assign(document.createElement('a'), { href: this.url, download: name, textContent: `Download ${name}` });
        out('link').replaceChildren(a, ` (${formatBytes(r.bytes.length)})`);
        out('adapter-bytes').value = `${formatInt(r.bytes.length)} bytes`;
        out('ratio').value = `${formatInt(baseBytes / r.bytes.length)}× smaller`;
      } catch (e) {
        showMessage(this, 'save', (e as Error).message, 'error');
      } finally {
        save.disabled = false;
      }
    });

    const loadMessages = this.querySelector<HTMLElement>('[data-role="load-messages"]')!;
    const loadError = (text: string | null) => {
      if (text === null) return loadMessages.replaceChildren();
      const p = document.createElement('p');
      p.className = 'cell-msg';
      p.dataset.key = 'load';
      p.dataset.tone = 'error';
      p.textContent = text;
      loadMessages.replaceChildren(p);
    };
    file.addEventListener('change', async () => {
      const f = file.files?.[0];
      if (!f) return;
      loadError(null);
      out('loaded').value = `reading ${f.name}…`;
      out('loaded-scores').value = '—';
      try {
        if (f.size > 50_000_000) throw new Error(`${f.name} is ${formatBytes(f.size)}: far too large for an adapter of this network.`);
        const bytes = new Uint8Array(await f.arrayBuffer());
        const info = await engine().run('merge.load', { session: SESSION, bytes, name: f.name }).done;
        out('loaded').value = `${f.name}: ${info.task ? `trained on ${SCORED_ON[info.task as keyof typeof SCORED_ON] ?? info.task}` : 'task not named in the file'}, rank ${info.rank}, ${formatInt(info.params)} parameters, ${formatInt(info.bytes)} bytes.`;
        await refreshSlots();
        const used = await useSlot('uploaded');
        out('loaded-scores').value = COLUMNS.map((c) => `${COL[c]} ${formatPercent(used.row[c] ?? NaN, 1)}`).join(' · ');
      } catch (e) {
        const err = e as Error;
        out('loaded').value = `${f.name} was not loaded.`;
        loadError(err.name === 'AdapterFileError' ? `${f.name}: ${err.message}` : `Could not load ${f.name}: ${err.message}`);
      } finally {
        file.value = '';
      }
    });
  }
}

if (!customElements.get('adapter-files')) customElements.define('adapter-files', AdapterFiles);
