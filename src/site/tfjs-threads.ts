// Vite plugin: keeps tfjs-backend-wasm's threaded build working after minification.
//
// The cause of the crash under cross-origin isolation. When the page is isolated, tfjs-backend-wasm
// starts its threaded build (backend_wasm.js, init()):
//
//   factoryConfig.mainScriptUrlOrBlob = new Blob(['var WasmBackendModuleThreadedSimd = ' +
//                                                 wasmFactoryThreadedSimd.toString()]);
//
// and every pthread worker (a classic `blob:` worker) runs that text with importScripts() to get
// the Emscripten glue. So the glue must be a function whose SOURCE TEXT works on its own. In the
// package it does: the factory is `(() => { var _scriptDir = …; return (function (Module) { … }); })()`
// and the inner function only reads `_scriptDir` behind `typeof _scriptDir !== "undefined"`.
// After Vite's minifier the inner function's text reads `e!==void 0&&e` (the minifier renamed
// `_scriptDir` to `e` and, knowing the variable is declared in the enclosing scope, dropped the
// typeof); alone in the pthread worker `e` is not declared, so every pthread worker throws
// "ReferenceError: e is not defined" and no engine cell can start. (tensorflow/tfjs issues
// 4107, 4253, 4539 report the same class of failure with other minifiers.)
//
// The fix does not depend on what any minifier does: the factory gets its own toString() that
// returns the package's original text of the whole factory expression (a string literal, which
// minifiers leave alone). The pthread workers then run exactly the code the package ships; the
// engine worker runs the minified copy of the same code, and the two only talk through
// postMessage with string-keyed commands and the shared WebAssembly memory.
import type { Plugin } from 'vite';

const MODULE = /[\\/]@tensorflow[\\/]tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;
const HEAD = 'var WasmBackendModuleThreadedSimd = ';
const TAIL = /\}\)\(\);\s*if \(typeof exports === 'object'/;

/** The factory expression `(() => { … })()` as the package ships it; throws if the file's shape changed. */
export function threadedFactorySource(code: string): string {
  const start = code.indexOf(HEAD);
  const tail = TAIL.exec(code);
  if (start < 0 || !tail || tail.index < start) {
    throw new Error('tfjs-backend-wasm-threaded-simd.js changed shape: check src/site/tfjs-threads.ts against the new tfjs version');
  }
  return code.slice(start + HEAD.length, tail.index + '})()'.length);
}

/** The module's code with a toString() on the factory that gives its original source text. */
export function withOriginalSource(code: string): string {
  const source = threadedFactorySource(code);
  return `${code}\n;WasmBackendModuleThreadedSimd.toString = function () { return ${JSON.stringify(source)}; };\n`;
}

export function tfjsWasmThreads(): Plugin {
  return {
    name: 'lora-live:tfjs-wasm-threads',
    enforce: 'pre',
    transform(code, id) {
      if (!MODULE.test(id.split('?')[0])) return null;
      return { code: withOriginalSource(code), map: null };
    },
  };
}
