export interface WatchTiming {
  /** Quiet time after the last DOM change before re-reading. */
  mutationDebounceMs: number;
  /** Quiet time after an address change before re-reading (the new ticket is usually rendering). */
  urlDebounceMs: number;
  /** How often the address is compared (pushState fires no event a content script can hear). */
  urlPollMs: number;
}

/** Tuned so a move to another ticket is noticed well within 500 ms. */
export const DEFAULT_WATCH_TIMING: WatchTiming = { mutationDebounceMs: 150, urlDebounceMs: 60, urlPollMs: 100 };

/**
 * Notice when the agent moves to another ticket in a single-page helpdesk: address changes
 * (history API, hash, back/forward) and DOM changes, debounced. Typing in a reply editor is not a
 * change of ticket and is ignored. Stops when `signal` aborts.
 */
export function watchPage(win: Window, onChange: () => void, signal: AbortSignal, timing: WatchTiming = DEFAULT_WATCH_TIMING): void {
  let mutationTimer: ReturnType<typeof setTimeout> | undefined;
  let urlTimer: ReturnType<typeof setTimeout> | undefined;
  let lastUrl = win.location.href;
  const fire = () => {
    if (!signal.aborted) onChange();
  };
  // DOM churn is debounced; an address change is read soon after, whatever the DOM does meanwhile.
  const mutated = () => {
    if (signal.aborted) return;
    if (mutationTimer) clearTimeout(mutationTimer);
    mutationTimer = setTimeout(() => {
      mutationTimer = undefined;
      fire();
    }, timing.mutationDebounceMs);
  };
  const urlChanged = () => {
    if (signal.aborted || win.location.href === lastUrl) return;
    lastUrl = win.location.href;
    if (urlTimer) return;
    urlTimer = setTimeout(() => {
      urlTimer = undefined;
      fire();
    }, timing.urlDebounceMs);
  };
  // Typing in a rich-text reply editor mutates the DOM too; that is not a new ticket.
  const insideEditor = (node: Node) => {
    const el = node instanceof Element ? node : node.parentElement;
    return Boolean(el?.closest('[contenteditable="true"], [contenteditable=""], [contenteditable="plaintext-only"], textarea'));
  };
  const observer = new MutationObserver((records) => {
    if (records.every((r) => insideEditor(r.target))) return;
    urlChanged();
    mutated();
  });
  observer.observe(win.document.body ?? win.document.documentElement, { childList: true, subtree: true, characterData: true });
  win.addEventListener('popstate', urlChanged, { signal });
  win.addEventListener('hashchange', urlChanged, { signal });
  const poll = setInterval(urlChanged, timing.urlPollMs);
  signal.addEventListener('abort', () => {
    observer.disconnect();
    clearInterval(poll);
    if (mutationTimer) clearTimeout(mutationTimer);
    if (urlTimer) clearTimeout(urlTimer);
  });
}
