// A tiny static file server for dist/ (no build here: run `npm run build` first).
// SITE_DIST=/other/dir serves another build (e.g. `astro build --outDir /tmp/x`).
import http from 'node:http';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.bin': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

const COMPRESS = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.wasm', '.ico']);
const gzCache = new Map<string, { mtime: number; body: Buffer }>();
function gzipped(file: string): Buffer {
  const mtime = statSync(file).mtimeMs;
  const hit = gzCache.get(file);
  if (hit && hit.mtime === mtime) return hit.body;
  const body = gzipSync(readFileSync(file));
  gzCache.set(file, { mtime, body });
  return body;
}

export interface Served { origin: string; close(): Promise<void> }

/**
 * The headers a host sends to make its pages cross-origin isolated (SharedArrayBuffer, so WebAssembly
 * threads). The README's "Cross-origin isolation" section lists the same two for hosts that can set headers.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

export interface ServeOptions {
  /** Send COOP/COEP with every response, as a host that turns on cross-origin isolation does. */
  isolated?: boolean;
}

/** Serve `root` on 127.0.0.1 at a free port. Directories serve index.html; "/x" redirects to "/x/". */
export async function serveDir(root = path.resolve(process.env.SITE_DIST || 'dist'), opts: ServeOptions = {}): Promise<Served> {
  if (!existsSync(path.join(root, 'index.html'))) throw new Error(`${root}/index.html is missing: run \`npm run build\` first`);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    let target = file;
    if (existsSync(target) && statSync(target).isDirectory()) {
      if (!url.pathname.endsWith('/')) {
        return void res.writeHead(301, { Location: `${url.pathname}/${url.search}`, ...(opts.isolated ? ISOLATION_HEADERS : {}) }).end();
      }
      target = path.join(target, 'index.html');
    }
    if (!existsSync(target) || !statSync(target).isFile()) return void res.writeHead(404).end('not found');
    const ext = path.extname(target).toLowerCase();
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
      Vary: 'Accept-Encoding',
      ...(opts.isolated ? ISOLATION_HEADERS : {}),
    };
    // Compress text and WebAssembly as any static host would (Lighthouse measures transfer sizes).
    const gz = COMPRESS.has(ext) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (gz) {
      const body = gzipped(target);
      res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': body.length });
      return void res.end(req.method === 'HEAD' ? undefined : body);
    }
    res.writeHead(200, { ...headers, 'Content-Length': statSync(target).size });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(target).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
