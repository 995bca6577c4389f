import { describe, expect, it } from 'vitest';
import { backendLine, backendNote } from '../../components/lib/backend-line';

describe('the backend line', () => {
  it('states the thread count on WebAssembly', () => {
    expect(backendLine({ name: 'wasm', threads: 2 })).toBe('WebAssembly, 2 threads');
    expect(backendLine({ name: 'wasm', threads: 8 })).toBe('WebAssembly, 8 threads');
  });

  it('says why there is only one thread', () => {
    expect(backendLine({ name: 'wasm', threads: 1, singleThreadWhy: 'this page is not cross-origin isolated' }))
      .toBe('WebAssembly, 1 thread: this page is not cross-origin isolated');
    expect(backendLine({ name: 'wasm', threads: 1 })).toBe('WebAssembly, 1 thread');
  });

  it('names GPU and CPU backends without a thread count', () => {
    expect(backendLine({ name: 'webgl', threads: 1 })).toBe('WebGL');
    expect(backendLine({ name: 'webgpu', threads: 1 })).toBe('WebGPU');
    expect(backendLine({ name: 'cpu', threads: 1 })).toBe('CPU (plain JavaScript)');
  });
});

describe('the backend note', () => {
  it('says plainly that a requested backend is not available here, why, and what runs instead', () => {
    const why = 'the browser found no GPU it can use for WebGPU, or WebGPU is turned off';
    const note = backendNote({
      name: 'wasm', reason: `webgpu was asked for but is not available here: ${why}; fastest available`,
      skipped: [{ name: 'webgpu', why }, { name: 'webgl', why: 'software rendering on SwiftShader' }],
      requested: { name: 'webgpu', why },
    });
    expect(note).toBe(`WebGPU was requested (?backend=webgpu) but is not available here: ${why}. Running on WebAssembly instead.`);
  });

  it('names a backend the reader chose, and the ones skipped otherwise', () => {
    expect(backendNote({ name: 'cpu', reason: 'chosen by you', skipped: [] })).toBe('Chosen in the address (?backend=cpu).');
    expect(backendNote({ name: 'wasm', reason: 'fastest available', skipped: [{ name: 'webgl', why: 'software rendering on SwiftShader' }] }))
      .toBe('The fastest backend available here; skipped WebGL (software rendering on SwiftShader).');
    expect(backendNote({ name: 'webgpu', reason: 'fastest available', skipped: [] })).toBe('The fastest backend available here.');
  });

  it('still names the reader’s choice when the engine adds a note to it (WebGPU on a software adapter)', () => {
    const reason = 'chosen by you; software adapter: training runs, parts that read results synchronously say they cannot';
    expect(backendNote({ name: 'webgpu', reason, skipped: [] }))
      .toBe('Chosen in the address (?backend=webgpu); software adapter: training runs, parts that read results synchronously say they cannot.');
  });
});
