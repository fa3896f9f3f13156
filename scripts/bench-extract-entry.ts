/**
 * Bundled by `npm run bench` and injected into a fixture page in Chromium: times the content
 * script's own reading code (adapter pick + extraction + cleaning) on the live DOM.
 */
import { pageHiddenText } from '../lib/ticket/hidden-text';
import { pickAdapter, readTicket } from '../lib/ticket/reader';

function timeExtraction(address: string, runs: number): { adapter: string; messages: number; samples: number[] } {
  const url = new URL(address);
  const samples: number[] = [];
  let adapter = '';
  let messages = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const picked = pickAdapter(url, document);
    const ticket = readTicket(picked, document, url, { signals: false });
    samples.push(performance.now() - t0);
    adapter = picked.id;
    messages = ticket?.messages.length ?? 0;
  }
  return { adapter, messages, samples };
}

/** The hidden-text scan, which the content script runs once per new ticket state, timed on its own. */
function timeHiddenScan(runs: number): number[] {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    pageHiddenText(document);
    samples.push(performance.now() - t0);
  }
  return samples;
}

Object.assign(globalThis, { ticketCopilotTimeExtraction: timeExtraction, ticketCopilotTimeHiddenScan: timeHiddenScan });
