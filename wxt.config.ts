import { defineConfig } from 'wxt';
import react from '@vitejs/plugin-react';
import { findBrowser } from './scripts/extension-browser';
import { LOOPBACK_ORIGINS, OPTIONAL_ORIGINS } from './lib/sites/hosted';

const devBrowser = findBrowser();
const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * One source tree for Chrome and Firefox. Chrome gets a side panel, Firefox a sidebar
 * (`sidebar_action`): WXT maps the `sidepanel` entrypoint to each browser's own API.
 * Loopback (the demo helpdesk and self-hosted helpdesks under test) is granted at install.
 */
export default defineConfig({
  imports: false,
  // `npm run dev` (scripts/dev.ts) serves the demo helpdesk and passes its first ticket here.
  webExt: {
    ...(devBrowser ? { binaries: { chrome: devBrowser } } : {}),
    startUrls: process.env.TICKET_COPILOT_START_URL ? [process.env.TICKET_COPILOT_START_URL] : [],
    chromiumArgs: [
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...(runningAsRoot ? ['--no-sandbox'] : []),
      // A machine without a display (CI, a container) can still run the dev loop headless.
      ...(process.env.TICKET_COPILOT_HEADLESS === '1' ? ['--headless=new', '--disable-gpu'] : []),
    ],
  },
  vite: () => ({
    plugins: [react()],
  }),
  manifest: ({ browser }) => ({
    name: 'Ticket Copilot',
    description:
      'Cited reply drafts from your own knowledge base, beside the ticket. Measured locally, never auto-sent.',
    permissions: ['storage', 'unlimitedStorage', 'scripting', ...(browser === 'firefox' ? [] : ['sidePanel'])],
    // Least privilege: loopback at install; hosted helpdesks and self-hosted sites on request.
    host_permissions: [...LOOPBACK_ORIGINS],
    optional_host_permissions: [...OPTIONAL_ORIGINS],
    action: { default_title: 'Open Ticket Copilot' },
    // No remote code and nothing inline: extension pages run only the packaged scripts.
    content_security_policy: {
      extension_pages: "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
    },
    // Chrome reads an organisation's policy for the extension against this schema (Firefox needs none).
    ...(browser === 'firefox' ? {} : { storage: { managed_schema: 'managed_schema.json' } }),
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'ticket-copilot@ticket-copilot.example',
              strict_min_version: '142.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
