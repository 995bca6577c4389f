// Reader-facing names of the tfjs backends.
const NAMES: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly (WASM)', cpu: 'CPU (plain JavaScript)' };
export const backendName = (name: string) => NAMES[name] ?? name;
