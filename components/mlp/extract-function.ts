// Pulls one top-level function (with the comment block right above it) out of a
// TypeScript source file, so a page can show the code that actually runs.
// A top-level function starts at column 0 with `export function name` or
// `function name` and ends at the first line that is exactly "}".

export interface FunctionSource {
  name: string;
  text: string;
}

/** Every top-level function in `src`, in order, each with its leading comment. */
export function topLevelFunctions(src: string): FunctionSource[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const out: FunctionSource[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(?:export\s+)?(?:async\s+)?function\s+([A-Za-z_$][\w$]*)/.exec(lines[i]);
    if (!m) continue;
    const end = lines.findIndex((l, j) => j > i && l === '}');
    if (end < 0) break;
    let start = i;
    // Take the comment block directly above: `/** … */` or consecutive `//` lines.
    if (start > 0 && lines[start - 1].trim().endsWith('*/')) {
      let j = start - 1;
      while (j > 0 && !lines[j].trim().startsWith('/*')) j--;
      start = j;
    } else {
      while (start > 0 && lines[start - 1].startsWith('//')) start--;
    }
    out.push({ name: m[1], text: lines.slice(start, end + 1).join('\n') });
    i = end;
  }
  return out;
}

/**
 * The readable LoRA forward pass in `src`: the function `preferred` if its body
 * multiplies the input by the adapter's factors, otherwise the first top-level
 * function that does (e.g. a reference version kept beside a faster wrapper).
 * Throws if there is none, so a build fails loudly rather than showing the wrong code.
 */
export function loraForwardSource(src: string, preferred = 'loraDense'): FunctionSource {
  const fns = topLevelFunctions(src);
  const readable = (f: FunctionSource) => /matMul\(\s*\w+\s*,\s*\w+\.At\b/.test(f.text) && /\.Bt\b/.test(f.text);
  const found = fns.find((f) => f.name === preferred && readable(f)) ?? fns.find(readable);
  if (!found) throw new Error(`No function computing x·Aᵀ·Bᵀ was found (looked for ${preferred}).`);
  return found;
}
