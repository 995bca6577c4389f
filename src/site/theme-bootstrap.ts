// The one inline script of every page: apply a remembered theme before first
// paint (see components/ThemeToggle.astro). It runs under the page's CSP, which
// allows it by its hash: astro.config.mjs hashes this exact text, so edit it here only.
export const THEME_BOOTSTRAP =
  "try{var t=localStorage.getItem('lora-live-theme');if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}";
