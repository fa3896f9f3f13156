import { defineConfig } from 'wxt';
import react from '@vitejs/plugin-react';

/**
 * One source tree for Chrome and Firefox. Chrome gets a side panel, Firefox a sidebar
 * (`sidebar_action`): WXT maps the `sidepanel` entrypoint to each browser's own API.
 * Loopback (the demo helpdesk and self-hosted helpdesks under test) is granted at install.
 */
export default defineConfig({
  imports: false,
  vite: () => ({
    plugins: [react()],
  }),
  manifest: ({ browser }) => ({
    name: 'Ticket Copilot',
    description:
      'Cited reply drafts from your own knowledge base, beside the ticket. Measured locally, never auto-sent.',
    permissions: ['storage', 'unlimitedStorage', ...(browser === 'firefox' ? [] : ['sidePanel'])],
    host_permissions: ['http://localhost/*', 'http://127.0.0.1/*'],
    action: { default_title: 'Open Ticket Copilot' },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'ticket-copilot@ticket-copilot.example',
              strict_min_version: '128.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
