// <engine-backend>: a training cell's backend line ("WebAssembly, 2 threads" / "WebAssembly, 1 thread:
// this page is not cross-origin isolated"), filled in once some cell on the page has started the
// engine; it never starts the engine itself (that would download tfjs for a cell nobody ran).
import { onEngineBackend } from './engine';
import { backendLine, backendNote } from './backend-line';

class EngineBackend extends HTMLElement {
  connectedCallback(): void {
    const out = this.querySelector('output');
    if (!out) return;
    onEngineBackend((b) => {
      out.value = backendLine(b);
      // A backend asked for with ?backend=… that could not start: say so, why, and what runs instead.
      if (b.requested) {
        const note = document.createElement('small');
        note.textContent = ` ${backendNote(b)}`;
        out.after(note);
      }
    });
  }
}
if (!customElements.get('engine-backend')) customElements.define('engine-backend', EngineBackend);
