/**
 * Notice when the agent moves to another ticket in a single-page helpdesk: URL changes
 * (history API, hash) and DOM changes, debounced. Calls `onChange` at most once per `debounceMs`
 * after things settle. Stops when `signal` aborts.
 */
export function watchPage(win: Window, onChange: () => void, signal: AbortSignal, debounceMs = 250): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastUrl = win.location.href;
  const schedule = () => {
    if (signal.aborted) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!signal.aborted) onChange();
    }, debounceMs);
  };
  // Typing in a rich-text reply editor mutates the DOM too; that is not a new ticket.
  const insideEditor = (node: Node) => {
    const el = node instanceof Element ? node : node.parentElement;
    return Boolean(el?.closest('[contenteditable="true"], [contenteditable=""], textarea'));
  };
  const observer = new MutationObserver((records) => {
    if (records.every((r) => insideEditor(r.target))) return;
    schedule();
  });
  observer.observe(win.document.body ?? win.document.documentElement, { childList: true, subtree: true, characterData: true });
  win.addEventListener('popstate', schedule, { signal });
  win.addEventListener('hashchange', schedule, { signal });
  // pushState does not fire an event; a cheap poll of the URL catches it.
  const poll = setInterval(() => {
    if (win.location.href !== lastUrl) {
      lastUrl = win.location.href;
      schedule();
    }
  }, 200);
  signal.addEventListener('abort', () => {
    observer.disconnect();
    clearInterval(poll);
    if (timer) clearTimeout(timer);
  });
}
