// Minimal, dependency-free markup for a TypeScript excerpt: comments are wrapped
// in <span class="c"> so they can be dimmed; everything else is escaped text.

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function codeToHtml(code: string): string {
  let inBlock = false;
  return code.split('\n').map((line) => {
    if (inBlock || line.trim().startsWith('/*')) {
      inBlock = !line.includes('*/');
      return `<span class="c">${escape(line)}</span>`;
    }
    const at = line.indexOf('//');
    return at < 0 ? escape(line) : `${escape(line.slice(0, at))}<span class="c">${escape(line.slice(at))}</span>`;
  }).join('\n');
}
