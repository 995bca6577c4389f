// "Classroom link" builder in the chapter tools: lists every setting on the page
// (the controls bindInput marked) and lets a teacher make each one free, fixed or
// hidden; the resulting link (current settings + lock/hide lists) can be copied.
import { classroomRules, controlMode, withRules, type ControlMode } from '../lib/classroom';
import { boundControls, controlLabel, controlValue } from './controls';

const details = document.querySelector<HTMLDetailsElement>('details.classroom-link');
const rows = details?.querySelector<HTMLElement>('[data-role="rows"]');
const linkOut = details?.querySelector<HTMLInputElement>('[data-role="link"]');
let open: HTMLAnchorElement | null = null;
const copy = details?.querySelector<HTMLButtonElement>('[data-role="copy"]');
const status = details?.querySelector<HTMLElement>('[data-role="status"]');
const main = document.querySelector<HTMLElement>('main.page');

const MODES: { value: ControlMode; text: string }[] = [
  { value: 'free', text: 'Free' },
  { value: 'locked', text: 'Fixed' },
  { value: 'hidden', text: 'Hidden' },
];

function currentLink(): string {
  const lock: string[] = [];
  const hide: string[] = [];
  rows?.querySelectorAll<HTMLSelectElement>('select[data-name]').forEach((s) => {
    if (s.value === 'locked') lock.push(s.dataset.name!);
    if (s.value === 'hidden') hide.push(s.dataset.name!);
  });
  const url = new URL(location.href);
  url.searchParams.delete('present');
  url.searchParams.delete('slide');
  return `${url.origin}${url.pathname}${withRules(url.search, { lock, hide })}`;
}

function update(): void {
  if (!linkOut) return;
  if (!open) {
    open = document.createElement('a');
    open.textContent = 'Open it';
    linkOut.closest('.link-row')?.append(open);
  }
  const link = currentLink();
  linkOut.value = link;
  open.href = link;
}

function build(): void {
  if (!rows || !main) return;
  const rules = classroomRules();
  const controls = [...boundControls(main)];
  if (!controls.length) {
    rows.textContent = 'This chapter has no settings to fix.';
    return;
  }
  const list = document.createElement('ul');
  controls.forEach(([name, els], i) => {
    const li = document.createElement('li');
    const label = document.createElement('label');
    const id = `classroom-mode-${i}`;
    label.htmlFor = id;
    label.textContent = `${controlLabel(els)} (now ${controlValue(els)})`;
    const select = document.createElement('select');
    select.id = id;
    select.dataset.name = name;
    for (const m of MODES) select.append(new Option(m.text, m.value));
    select.value = controlMode(rules, name);
    const code = document.createElement('code');
    code.textContent = name;
    li.append(label, ' ', select, ' ', code);
    list.append(li);
  });
  rows.replaceChildren(list);
  update();
}

if (details && rows) {
  details.addEventListener('toggle', () => { if (details.open) build(); });
  rows.addEventListener('change', update);
  main?.addEventListener('change', () => { if (details.open) update(); });
  copy?.addEventListener('click', async () => {
    update();
    try {
      await navigator.clipboard.writeText(linkOut!.value);
      if (status) status.textContent = 'Link copied.';
    } catch {
      linkOut?.select();
      if (status) status.textContent = 'Select the link and copy it (the browser refused to copy it here).';
    }
  });
}
