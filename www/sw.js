// heapscope's service worker: keeps this build of the app so it opens offline (on a plane, behind a firewall),
// and lets the page offer the next build when one is deployed.
//
// BUILD below is written by scripts/precache.mjs (a Trunk post-build hook): every file of the build with its
// SHA-256, and a version hashed from them. Because it is part of this script, a new deployment changes these
// bytes, which is what makes the browser install a new worker on its update checks. On install the worker
// downloads every file of its build (or reuses one with the same hash from an older build's cache), checks
// each against its hash, and keeps them in a cache named after the version; a file that does not match fails
// the install, so a half-uploaded deployment is never taken. It then waits: the page offers the update and
// asks it to take over (`skip-waiting`), so an analysis is never interrupted by a reload. On activate the
// older builds' caches go. The build's files are answered from the cache only, so every file of a page comes
// from one build, online or not. Only the app's own files pass through here: user files are read from disk.
const BUILD = { version: 'dev', files: {} };

const PREFIX = 'heapscope-';
const CACHE = PREFIX + BUILD.version;
const HASH_HEADER = 'x-heapscope-sha256';

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
const urlOf = (file) => new URL(file, self.registration.scope).href;

/** A stored copy of `file` with content `hash` from an older build's cache, if one has it. */
async function reuse(file, hash) {
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const old = await (await caches.open(name)).match(urlOf(file));
    if (old && old.headers.get(HASH_HEADER) === hash) return old;
  }
  return null;
}

async function download(file, hash) {
  // `reload`: the HTTP cache may still hold the previous build's copy of a file whose name has no hash.
  const response = await fetch(urlOf(file), { cache: 'reload' });
  if (!response.ok) throw new Error(`heapscope: ${file} answered ${response.status}`);
  const body = await response.arrayBuffer();
  const actual = hex(await crypto.subtle.digest('SHA-256', body));
  if (actual !== hash) throw new Error(`heapscope: ${file} is not the one of build ${BUILD.version}`);
  // Only the type is kept: the body is already decoded, so the server's encoding and length no longer apply.
  const headers = { [HASH_HEADER]: hash };
  const type = response.headers.get('content-type');
  if (type) headers['content-type'] = type;
  return new Response(body, { status: 200, headers });
}

self.addEventListener('install', (event) => event.waitUntil((async () => {
  const cache = await caches.open(CACHE);
  await Promise.all(Object.entries(BUILD.files).map(async ([file, hash]) => {
    if ((await cache.match(urlOf(file)))?.headers.get(HASH_HEADER) === hash) return;
    await cache.put(urlOf(file), (await reuse(file, hash)) ?? (await download(file, hash)));
  }));
})()));

self.addEventListener('activate', (event) => event.waitUntil((async () => {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name !== CACHE && name.startsWith(PREFIX)).map((name) => caches.delete(name)));
  // Only matters on the first visit (an update takes over through skip-waiting, then the page reloads):
  // the page that installed the worker is served by it from now on, so it also opens offline.
  await self.clients.claim();
})()));

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  url.hash = '';
  // A navigation to the app's folder (with any query) is its index.html.
  if (request.mode === 'navigate' && url.href.split('?')[0] === self.registration.scope) {
    url.href = urlOf('index.html');
  } else {
    url.search = '';
  }
  const file = url.href.startsWith(self.registration.scope) ? url.href.slice(self.registration.scope.length) : null;
  if (file === null || !Object.hasOwn(BUILD.files, file)) return;
  event.respondWith((async () => {
    const cached = await (await caches.open(CACHE)).match(url.href);
    // The cache can only be missing after the browser evicted it: the network still has a build.
    return cached ?? fetch(request);
  })());
});
