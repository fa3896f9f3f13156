/**
 * `npm run dev`: serve the demo helpdesk, then start WXT's dev mode, which builds the extension,
 * rebuilds on change and opens Chromium with it loaded and the first demo ticket open.
 * Pass `--port N` for the demo server (default 5199; a free port is picked if that one is taken).
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { DEFAULT_DEMO_PORT, startDemoServer, type DemoServer } from './demo-server';
import { browserMissingMessage, findBrowser, REPO_ROOT } from './extension-browser';

const { values } = parseArgs({ options: { port: { type: 'string', short: 'p' } } });
const wanted = values.port === undefined ? DEFAULT_DEMO_PORT : Number(values.port);
if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
  console.error(`--port must be a number from 0 to 65535, not "${values.port}".`);
  process.exit(1);
}

let demo: DemoServer;
try {
  demo = await startDemoServer({ port: wanted });
} catch (error) {
  if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE' && values.port === undefined) {
    demo = await startDemoServer({ port: 0 });
    console.log(`Port ${wanted} is in use; the demo helpdesk runs on ${demo.port} instead.`);
  } else {
    throw error;
  }
}
const startUrl = `${demo.url}tickets/1001.html`;
console.log(`Demo helpdesk: ${demo.url}  (first ticket: ${startUrl})`);
if (!findBrowser()) console.warn(`${browserMissingMessage()} WXT will try its default browser.`);

const wxt = spawn('npx', ['wxt'], {
  cwd: REPO_ROOT,
  stdio: 'inherit',
  env: { ...process.env, TICKET_COPILOT_START_URL: startUrl },
});
const stop = () => {
  wxt.kill('SIGINT');
  void demo.close();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
wxt.on('exit', (code) => {
  void demo.close().then(() => process.exit(code ?? 0));
});
