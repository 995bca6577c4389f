// @ts-nocheck -- plain JavaScript for the service worker scope, not type-checked with the page's DOM types.
// Service worker: after the first visit the whole site works offline.
// Built into dist/sw.js by src/site/integration.ts, which replaces the
// PRECACHE_MANIFEST placeholder below with every built page, script, style,
// font, data set, model and .wasm file ({url, revision}; src/site/precache.ts).
// Registered only in production builds (src/site/offline.ts).
//
// - install: fetch every entry whose revision changed (4 at a time), so an update
//   downloads only what changed; the data and model (9.5 MB) are fetched once.
// - activate: drop entries no longer listed; take control of open pages.
// - pages: network first (so a new version shows when online), the saved copy
//   when the network fails or takes longer than 4 s (flaky classroom Wi-Fi);
//   the query string (a cell's settings) is ignored when matching the cache.
// - everything else from this origin: the saved copy first, else the network
//   (and keep what it returns for next time).
// - cross-origin isolation: every response it serves carries COOP same-origin and
//   COEP require-corp (unless the host already sent its own), so from the second
//   visit on (the first page a reader opens loads before this worker controls it)
//   the pages are cross-origin isolated and the engine trains on WebAssembly threads,
//   on a plain static host that cannot set headers. Everything the site loads is its
//   own, so require-corp blocks nothing. Hosts that can set headers should send the
//   two themselves (README, "Cross-origin isolation"): then the first visit is isolated too.
/* eslint-env serviceworker */
const MANIFEST = /* PRECACHE_MANIFEST */ [];
const CACHE = 'lora-live-files';
const REVISIONS = 'lora-live-revisions';
const PAGE_TIMEOUT_MS = 4000;
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** The response with the isolation headers added (the host's own, if it sent them, are kept). */
function isolated(res) {
  if (!res || res.type === 'opaque' || res.type === 'opaqueredirect' || res.status === 0) return res;
  if (Object.keys(ISOLATION).every((k) => res.headers.has(k))) return res;
  const headers = new Headers(res.headers);
  for (const [k, v] of Object.entries(ISOLATION)) if (!headers.has(k)) headers.set(k, v);
  return new Response(NULL_BODY.has(res.status) ? null : res.body, { status: res.status, statusText: res.statusText, headers });
}

const urls = new Set(MANIFEST.map((e) => e.url));

async function precache() {
  const files = await caches.open(CACHE);
  const revs = await caches.open(REVISIONS);
  const todo = [];
  for (const entry of MANIFEST) {
    const known = await revs.match(entry.url);
    const have = known && (await known.text()) === entry.revision && (await files.match(entry.url));
    if (!have) todo.push(entry);
  }
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const entry = todo[next++];
      const res = await fetch(new Request(entry.url, { cache: 'reload', credentials: 'same-origin' }));
      if (!res.ok) throw new Error(`precache: ${entry.url} answered ${res.status}`);
      await files.put(entry.url, res);
      await revs.put(entry.url, new Response(entry.revision));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

async function prune() {
  for (const name of [CACHE, REVISIONS]) {
    const cache = await caches.open(name);
    for (const req of await cache.keys()) {
      if (!urls.has(new URL(req.url).pathname)) await cache.delete(req);
    }
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(prune().then(() => self.clients.claim()));
});

// Whether the last attempt to reach the network failed (the page shows it in its footer;
// navigator.onLine says "online" on a Wi-Fi link that carries nothing).
let networkDown = false;

self.addEventListener('message', (event) => {
  if (event.data === 'status') event.source?.postMessage({ type: 'status', files: MANIFEST.length, networkDown });
});

/** The cache key of a page: its path, with a trailing slash, without the query. */
function pageKey(url) {
  const p = url.pathname;
  return p.endsWith('/') || /\.[a-z0-9]+$/i.test(p) ? p : `${p}/`;
}

async function fromCache(key) {
  const cache = await caches.open(CACHE);
  return cache.match(key, { ignoreSearch: true });
}

async function page(request) {
  const key = pageKey(new URL(request.url));
  const network = fetch(request).then(async (res) => {
    networkDown = false;
    if (res.ok && res.type === 'basic' && !res.redirected) {
      const cache = await caches.open(CACHE);
      await cache.put(key, res.clone());
    }
    return res;
  });
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), PAGE_TIMEOUT_MS));
  try {
    const first = await Promise.race([network, timeout]);
    if (first) return first;
    networkDown = true;
    return (await fromCache(key)) ?? (await network);
  } catch (err) {
    networkDown = true;
    const saved = await fromCache(key);
    if (saved) return saved;
    throw err;
  }
}

async function asset(request) {
  const url = new URL(request.url);
  const saved = await fromCache(url.pathname);
  if (saved) return saved;
  let res;
  try {
    res = await fetch(request);
  } catch (err) {
    networkDown = true;
    throw err;
  }
  if (res.ok && res.type === 'basic' && !request.headers.has('range')) {
    const cache = await caches.open(CACHE);
    await cache.put(url.pathname, res.clone());
  }
  return res;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname === '/sw.js') return;
  event.respondWith((request.mode === 'navigate' ? page(request) : asset(request)).then(isolated));
});
