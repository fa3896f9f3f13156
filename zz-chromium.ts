import { build } from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startDemoServer } from './scripts/demo-server';
const bundle = await build({ stdin: { contents: "import { pageHiddenText } from './lib/ticket/hidden-text'; Object.assign(globalThis, { pageHiddenText });", resolveDir: process.cwd(), loader: 'ts' }, bundle: true, format: 'iife', write: false });
const code = bundle.outputFiles[0]?.text ?? '';
const demo = await startDemoServer({ port: 0 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
const pages = ['', ...readdirSync('demo/tickets').filter((f) => f.endsWith('.html')).map((f) => `tickets/${f}`)];
for (const p of pages) {
  await page.goto(demo.url + p);
  await page.addScriptTag({ content: code });
  const r = await page.evaluate(() => { const fn = (globalThis as unknown as { pageHiddenText: (d: Document) => string[] }).pageHiddenText; const t0 = performance.now(); const h = fn(document); return { h, ms: performance.now() - t0 }; });
  console.log(p || 'index', r.h.length, `${r.ms.toFixed(1)}ms`, JSON.stringify(r.h.map((s) => s.slice(0, 70))));
}
for (const a of ['gmail', 'freescout', 'zammad', 'zendesk', 'front', 'helpscout', 'intercom', 'freshdesk']) {
  for (const name of ['long-thread', 'ticket']) {
    await page.setContent(readFileSync(`tests/fixtures/adapters/${a}/${name}.html`, 'utf8').replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, ''));
    await page.addScriptTag({ content: code });
    const r = await page.evaluate(() => { const fn = (globalThis as unknown as { pageHiddenText: (d: Document) => string[] }).pageHiddenText; let h: string[] = []; const t0 = performance.now(); for (let i = 0; i < 5; i++) h = fn(document); return { h, ms: (performance.now() - t0) / 5 }; });
    console.log(a, name, r.h.length, `${r.ms.toFixed(1)}ms`, JSON.stringify(r.h.map((s) => s.slice(0, 50))));
  }
}
await browser.close(); await demo.close();
