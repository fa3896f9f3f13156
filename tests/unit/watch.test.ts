// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_WATCH_TIMING, watchPage } from '../../lib/ticket/watch';

describe('noticing a move to another ticket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    document.body.innerHTML = '<main id="app"><h1>Ticket 1</h1></main><div contenteditable="true" id="editor"></div>';
    history.replaceState(null, '', '/tickets/1');
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a pushState to another ticket is noticed within 500 ms, even while the DOM keeps changing', async () => {
    const calls: number[] = [];
    const onChange = vi.fn(() => calls.push(Date.now()));
    const controller = new AbortController();
    watchPage(window, onChange, controller.signal);
    const start = Date.now();
    history.pushState(null, '', '/tickets/2');
    // The SPA keeps re-rendering for a while.
    for (let i = 0; i < 8; i++) {
      document.querySelector('h1')?.append(` ${i}`);
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(calls.length).toBeGreaterThan(0);
    expect((calls[0] ?? Infinity) - start).toBeLessThan(500);
    controller.abort();
  });

  it('the first read after pushState comes within urlPoll + urlDebounce', async () => {
    const onChange = vi.fn();
    const controller = new AbortController();
    watchPage(window, onChange, controller.signal);
    history.pushState(null, '', '/tickets/3');
    await vi.advanceTimersByTimeAsync(DEFAULT_WATCH_TIMING.urlPollMs + DEFAULT_WATCH_TIMING.urlDebounceMs + 5);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(DEFAULT_WATCH_TIMING.urlPollMs + DEFAULT_WATCH_TIMING.urlDebounceMs).toBeLessThan(500);
    controller.abort();
  });

  it('DOM changes are debounced into one read', async () => {
    const onChange = vi.fn();
    const controller = new AbortController();
    watchPage(window, onChange, controller.signal);
    for (let i = 0; i < 5; i++) {
      document.querySelector('#app')?.append(document.createElement('p'));
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(DEFAULT_WATCH_TIMING.mutationDebounceMs + 10);
    expect(onChange).toHaveBeenCalledTimes(1);
    controller.abort();
  });

  it('typing in the reply editor is not a new ticket', async () => {
    const onChange = vi.fn();
    const controller = new AbortController();
    watchPage(window, onChange, controller.signal);
    document.querySelector('#editor')?.append('Hello');
    await vi.advanceTimersByTimeAsync(1000);
    expect(onChange).not.toHaveBeenCalled();
    controller.abort();
  });

  it('stops after abort', async () => {
    const onChange = vi.fn();
    const controller = new AbortController();
    watchPage(window, onChange, controller.signal);
    controller.abort();
    history.pushState(null, '', '/tickets/9');
    document.querySelector('#app')?.append('x');
    await vi.advanceTimersByTimeAsync(1000);
    expect(onChange).not.toHaveBeenCalled();
  });
});
