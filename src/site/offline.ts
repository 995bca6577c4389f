// Offline support, page side: register the service worker (production builds
// only: in `astro dev` there is no dist/sw.js and Vite serves modules one by one)
// and tell the reader, in the footer's status region, when the site is saved on
// this device and when they are reading without a network.
const status = document.getElementById('offline-status');
let saved = false;
/** The service worker's word: its last try to reach the network failed. */
let networkDown = false;

function render(): void {
  if (!status) return;
  const online = navigator.onLine && !networkDown;
  status.dataset.state = online ? 'online' : 'offline';
  status.textContent = !online && saved
    ? 'You are offline. Pages and live cells run from the copy saved on this device.'
    : !online
      ? 'You are offline, and this device has no saved copy of the site yet.'
      : saved ? 'Offline-ready: this site is saved on this device and works without a network.' : '';
}

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  const register = () => navigator.serviceWorker.register('/sw.js').catch(() => {
    /* refused (private mode, blocked by the browser): the site still works online */
  });
  if (document.readyState === 'complete') register();
  else addEventListener('load', register, { once: true });
  navigator.serviceWorker.addEventListener('message', (e: MessageEvent) => {
    if (e.data?.type !== 'status') return;
    networkDown = Boolean(e.data.networkDown);
    render();
  });
  const ask = () => navigator.serviceWorker.controller?.postMessage('status');
  navigator.serviceWorker.ready.then(() => { saved = true; render(); ask(); }, () => {});
  addEventListener('online', ask);
  addEventListener('offline', ask);
}
addEventListener('online', render);
addEventListener('offline', render);
render();
