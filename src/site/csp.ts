// The site's Content-Security-Policy, given to Astro's built-in CSP support
// (astro.config.mjs → security.csp). Astro writes it as a <meta http-equiv>
// tag on every built page and adds a hash for each script it inlines, so no
// script runs unless it is one of ours. Rules:
// - no 'unsafe-eval' anywhere; WebAssembly (tfjs, Pagefind) needs 'wasm-unsafe-eval';
// - the engine worker is a same-origin module script: worker-src 'self'. On a cross-origin isolated
//   page tfjs starts its WebAssembly threads from inside that worker as blob: workers, which load
//   their glue from a blob: URL; a <meta> policy covers only its document, not the worker, so the
//   page needs no blob: here (a host that sends this policy as a header on the worker's file must
//   add blob: to worker-src and script-src for it: README, "Cross-origin isolation");
// - styles allow 'unsafe-inline' because KaTeX writes style="" attributes into the
//   formulas and Observable Plot puts a <style> element into each chart;
// - nothing from another host: every fetch, font, image and script is 'self' (or data:/blob:
//   made on the page itself).
// (frame-ancestors is not listed: browsers ignore it in a <meta> tag and say so in the console.)

import type { AstroUserConfig } from 'astro';

type Csp = Exclude<NonNullable<NonNullable<AstroUserConfig['security']>['csp']>, boolean>;
type Directive = NonNullable<Csp['directives']>[number];

export const CSP_DIRECTIVES: Directive[] = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:", // Vite inlines KaTeX's smallest fonts into the CSS as data: URLs
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];

export const CSP_SCRIPT_RESOURCES = ["'self'", "'wasm-unsafe-eval'"];
export const CSP_STYLE_RESOURCES = ["'self'", "'unsafe-inline'"];
