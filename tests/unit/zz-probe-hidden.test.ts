// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { readTicket } from '../../lib/ticket/reader';
import { tidydeskAdapter } from '../../lib/ticket/adapters/tidydesk';
import { detectInjection } from '../../lib/guard/injection';
it('probe', () => {
  for (const id of ['1001', '1013', '1014', '1015']) {
    const html = readFileSync(`demo/tickets/${id}.html`, 'utf8').replace(/<link\b[^>]*>|<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const t = readTicket(tidydeskAdapter, doc, new URL(`http://127.0.0.1:5199/tickets/${id}.html`));
    if (!t) { console.log(id, 'no ticket'); continue; }
    const texts = [t.subject, ...t.messages.filter((m) => m.role === 'customer').map((m) => m.text)];
    console.log(id, JSON.stringify(t.signals), '\n', detectInjection({ texts, hiddenText: t.signals.hiddenText ?? [] }));
    console.log('  without hidden:', detectInjection({ texts }).score, ' hidden only:', detectInjection({ texts: [], hiddenText: t.signals.hiddenText ?? [] }).score);
  }
}, 60000);
