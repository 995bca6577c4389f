// The printed handout: under every live figure, its settings in words and the
// link that reopens it as it stands (the page URL with its current state). The
// notes are print-only (classroom.css hides them on screen) and are written when
// the page is about to print, since cells keep their state in the URL.
import { boundControls, controlLabel, controlValue } from './controls';
import { drawAllCharts } from '../lib/plot';

const main = document.querySelector<HTMLElement>('main.page');

/** Live figures: figures holding a control or a cell, and cells outside any figure. */
function liveFigures(root: HTMLElement): HTMLElement[] {
  const figures = [...root.querySelectorAll<HTMLElement>('figure')].filter((f) =>
    !f.parentElement?.closest('figure') && f.querySelector('input, select, button, output, [data-prefix]'));
  const loose = [...root.children].filter((c): c is HTMLElement =>
    c instanceof HTMLElement && c.tagName.includes('-') && !c.closest('figure'));
  return [...figures, ...loose];
}

function note(fig: HTMLElement): HTMLElement {
  let p = fig.querySelector<HTMLElement>(':scope > .print-note');
  if (!p) {
    p = document.createElement('div');
    p.className = 'print-note';
    if (fig.tagName === 'FIGURE') fig.append(p);
    else fig.after(p);
  }
  return p;
}

function refresh(): void {
  if (!main) return;
  const href = location.href;
  for (const fig of liveFigures(main)) {
    const p = note(fig);
    const settings = [...boundControls(fig).values()]
      .filter((els) => !els.every((e) => e.closest('.classroom-hidden')))
      .map((els) => `${controlLabel(els)}: ${controlValue(els)}`);
    const lines: Node[] = [];
    if (settings.length) {
      const s = document.createElement('p');
      s.textContent = `Settings: ${settings.join(' · ')}`;
      lines.push(s);
    }
    const l = document.createElement('p');
    const a = document.createElement('a');
    a.href = href;
    a.textContent = href;
    l.append('Live version: ', a);
    lines.push(l);
    p.replaceChildren(...lines);
  }
}

// Written only when printing (beforeprint, or print media from a PDF printer or
// an emulator), so reading the page costs nothing.
if (main) {
  addEventListener('beforeprint', refresh);
  matchMedia('print').addEventListener('change', (e) => { if (e.matches) refresh(); });
}

// A chart is drawn only once it comes near the screen (lib/plot.ts). Before printing, the button lays
// out every block (.printing lifts content-visibility, so each chart gets its real width) and draws
// every chart a started cell has; the browser's own Print command cannot wait for that.
document.querySelector<HTMLButtonElement>('.chapter-tools [data-role="print"]')?.addEventListener('click', async () => {
  const root = document.documentElement;
  root.classList.add('printing');
  try {
    await drawAllCharts();
    refresh();
    window.print();
  } finally {
    root.classList.remove('printing');
  }
});
