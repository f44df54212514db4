// heapscope's service worker: keeps a copy of the app so it opens offline (on a plane, behind a firewall).
// On install it caches the page, every file the page names (Trunk's hashed scripts, wasm and CSS) and the
// files it does not name (the worker's, the example files). Fetches go to the network first, so a new
// deployment is picked up at once; the cache answers when the network cannot. Only the app's own files
// pass through here: user files are read from disk.
const CACHE = 'heapscope-app-v1';
const UNNAMED_FILES = ['./worker_loader.js', './worker.js', './worker_bg.wasm', './manifest.webmanifest', './icon.svg',
  './example/mapcache-1.heapsnapshot.gz', './example/mapcache-2.heapsnapshot.gz', './example/mapcache-3.heapsnapshot.gz',
  './example/mapcache.memusage.ndjson'];

self.addEventListener('install', (event) => event.waitUntil((async () => {
  const cache = await caches.open(CACHE);
  const page = await fetch('./');
  const html = await page.clone().text();
  await cache.put('./', page);
  const named = [...html.matchAll(/["'](\.\/[^"'?#]+)["']/g)].map(([, url]) => url);
  await cache.addAll([...new Set([...named, ...UNNAMED_FILES])]);
  await self.skipWaiting();
})()));

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(request, response.clone());
      return response;
    } catch (offline) {
      const cached = await cache.match(request, { ignoreSearch: true });
      if (cached) return cached;
      throw offline;
    }
  })());
});
