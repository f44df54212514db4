// heapscope's service worker: keeps a copy of the app so it opens offline (on a plane, behind a firewall).
// Network first, so a new deployment is picked up at once; the cache answers when the network cannot.
// Only the app's own files are cached: user files never pass through here (they are read from disk).
const CACHE = 'heapscope-app-v1';

self.addEventListener('install', () => self.skipWaiting());
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
