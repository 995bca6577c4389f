// A tiny static file server for dist/ (no build here: run `npm run build` first).
// SITE_DIST=/other/dir serves another build (e.g. `astro build --outDir /tmp/x`).
import http from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
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

export interface Served { origin: string; close(): Promise<void> }

/** Serve `root` on 127.0.0.1 at a free port. Directories serve index.html; "/x" redirects to "/x/". */
export async function serveDir(root = path.resolve(process.env.SITE_DIST || 'dist')): Promise<Served> {
  if (!existsSync(path.join(root, 'index.html'))) throw new Error(`${root}/index.html is missing: run \`npm run build\` first`);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    let target = file;
    if (existsSync(target) && statSync(target).isDirectory()) {
      if (!url.pathname.endsWith('/')) {
        return void res.writeHead(301, { Location: `${url.pathname}/${url.search}` }).end();
      }
      target = path.join(target, 'index.html');
    }
    if (!existsSync(target) || !statSync(target).isFile()) return void res.writeHead(404).end('not found');
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(target).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': statSync(target).size,
      'Cache-Control': 'no-cache',
    });
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
