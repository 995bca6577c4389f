// Reader-facing names of the tfjs backends: the one table every cell that names its backend uses.
const NAMES: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly (WASM)', cpu: 'CPU (plain JavaScript)' };
export const backendName = (name: string) => NAMES[name] ?? name;
