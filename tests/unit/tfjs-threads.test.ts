// The threaded WebAssembly glue must survive minification: tfjs-backend-wasm gives each pthread
// worker `var WasmBackendModuleThreadedSimd = ` + factory.toString(), so the factory's text must
// run on its own. src/site/tfjs-threads.ts (a Vite plugin) makes toString() return the package's
// original text. Without it, the minifier the site's build uses (rolldown's, under Vite 8) renames
// `_scriptDir` and drops its typeof guard, and every pthread worker throws
// "ReferenceError: e is not defined" (the crash of issue 14 under COOP/COEP).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { minifySync } from 'rolldown/experimental';
import { threadedFactorySource, withOriginalSource } from '../../src/site/tfjs-threads';

const file = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
const original = readFileSync(file, 'utf8');

/** Minify the CommonJS module as the build does, run it, return its export (the factory). */
function minifiedFactory(code: string): (m: object) => unknown {
  const min = minifySync('glue.js', `(function (module, exports) {${code}\n})(module, module.exports);`).code;
  const module = { exports: {} as unknown };
  vm.runInNewContext(min, { module });
  if (typeof module.exports !== 'function') throw new Error('the minified module exported no factory');
  return module.exports as (m: object) => unknown;
}

/**
 * What a pthread worker does with the text (tfjs's worker.js): define the factory in a scope of its
 * own, with no document and no module, and call it for a thread. 'started' once it returns its promise.
 */
function runAsPthread(text: string): unknown {
  const ctx: Record<string, unknown> = {
    Worker: class {}, location: { href: 'blob:http://127.0.0.1/1' }, importScripts() {}, postMessage() {}, startWorker() {},
  };
  ctx.self = ctx;
  vm.runInNewContext(`var WasmBackendModuleThreadedSimd = ${text};`, ctx);
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 512, shared: true });
  const ready = (ctx.WasmBackendModuleThreadedSimd as (m: object) => { then?: unknown })({ ENVIRONMENT_IS_PTHREAD: true, wasmMemory: memory, instantiateWasm: () => ({}) });
  return typeof ready?.then === 'function' ? 'started' : ready;
}

describe('tfjs threaded WebAssembly glue under minification', () => {
  it('the package text runs as a pthread worker runs it', () => {
    const source = threadedFactorySource(original);
    expect(source.startsWith('(() => {')).toBe(true);
    expect(source.endsWith('})()')).toBe(true);
    expect(runAsPthread(source)).toBe('started');
  });

  it('without the plugin, the minified text fails in a pthread worker (the bug)', () => {
    const text = minifiedFactory(original).toString();
    expect(() => runAsPthread(text)).toThrow(/is not defined/);
  });

  it('with the plugin, the minified factory gives the package text, which runs', () => {
    const factory = minifiedFactory(withOriginalSource(original));
    expect(factory.toString()).toBe(threadedFactorySource(original));
    expect(runAsPthread(factory.toString())).toBe('started');
  });

  it('refuses a file of another shape rather than ship a broken worker', () => {
    expect(() => withOriginalSource('module.exports = function () {};')).toThrow(/changed shape/);
  });
});
