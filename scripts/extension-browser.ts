import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';

/**
 * Load the built extension into real Chromium, for the E2E tests, the benchmark and `npm run dev`.
 * Branded Google Chrome ignores --load-extension since version 137, so this looks for Chromium or
 * Chrome for Testing. `CHROME_PATH` overrides the search.
 */
export const CHROME_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome-for-testing',
  '/opt/google/chrome-for-testing/chrome',
  '/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const CHROME_BUILD_DIR = join(REPO_ROOT, '.output', 'chrome-mv3');

export function findBrowser(): string | null {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CHROME_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export function browserMissingMessage(): string {
  return process.env.CHROME_PATH
    ? `CHROME_PATH points at ${process.env.CHROME_PATH}, which does not exist.`
    : 'No Chromium found. Install it (Debian/Ubuntu: `apt-get install -y chromium`) or set CHROME_PATH to Chromium or Chrome for Testing (branded Chrome ignores --load-extension).';
}

export interface ExtensionBrowser {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  close(): Promise<void>;
}

export interface LaunchOptions {
  headless?: boolean;
  extensionDir?: string;
  startUrl?: string;
}

/** A fresh profile with the extension loaded; resolves once its service worker runs. */
export async function launchWithExtension(options: LaunchOptions = {}): Promise<ExtensionBrowser> {
  const executablePath = findBrowser();
  if (!executablePath) throw new Error(browserMissingMessage());
  const extensionDir = options.extensionDir ?? CHROME_BUILD_DIR;
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(`No built extension in ${extensionDir}. Run \`npm run build\` first.`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'ticket-copilot-profile-'));
  const headless = options.headless ?? true;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: false,
    viewport: { width: 1280, height: 860 },
    args: [
      ...(headless ? ['--headless=new'] : []),
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...(options.startUrl ? [options.startUrl] : []),
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    worker,
    extensionId,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The browser's id for the tab showing `url` (read through the extension's own tabs API). */
export async function tabIdOf(browser: ExtensionBrowser, url: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const id: unknown = await browser.worker.evaluate(
      `chrome.tabs.query({}).then((tabs) => tabs.find((t) => t.url === ${JSON.stringify(url)})?.id ?? null)`,
    );
    if (typeof id === 'number') return id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`No tab shows ${url}.`);
}

/** The side panel page as a tab, pinned to one helpdesk tab. */
export async function openPanel(browser: ExtensionBrowser, tabId: number): Promise<Page> {
  const panel = await browser.context.newPage();
  await panel.setViewportSize({ width: 420, height: 860 });
  await panel.goto(`chrome-extension://${browser.extensionId}/sidepanel.html?tabId=${tabId}`);
  return panel;
}

/** Every recorded event, read from the extension's IndexedDB in one of its pages. */
export async function readEvents(extensionPage: Page): Promise<Array<Record<string, unknown> & { type: string; payload: Record<string, unknown> }>> {
  return extensionPage.evaluate(
    () =>
      new Promise((resolveEvents, reject) => {
        const open = indexedDB.open('ticket-copilot');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction('events', 'readonly').objectStore('events').getAll();
          request.onsuccess = () => {
            const events = request.result.sort((a: { seq: number }, b: { seq: number }) => a.seq - b.seq);
            db.close();
            resolveEvents(events);
          };
          request.onerror = () => reject(request.error);
        };
      }),
  );
}

/** Press "Insert and edit" in the panel, confirming when a review policy asks for it. */
export async function insertDraft(panel: Page): Promise<void> {
  await panel.getByTestId('insert-draft').click();
  const confirm = panel.getByTestId('review-confirm');
  try {
    await confirm.waitFor({ state: 'visible', timeout: 1_000 });
  } catch {
    return;
  }
  await confirm.click();
}
