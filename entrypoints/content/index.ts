import { defineContentScript } from 'wxt/utils/define-content-script';
import { startContentScript } from '../../lib/platform/content-wiring';

/** Loopback (the demo helpdesk and self-hosted helpdesks under test) is granted at install. */
export default defineContentScript({
  matches: ['http://localhost/*', 'http://127.0.0.1/*'],
  runAt: 'document_idle',
  main(ctx) {
    startContentScript(ctx);
  },
});
