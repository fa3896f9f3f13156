import { defineBackground } from 'wxt/utils/define-background';
import { startBackground } from '../lib/platform/background-wiring';
import { wireManagedSync } from '../lib/platform/pilot-store';
import { saveTeamProvider } from '../lib/platform/provider-messages';

export default defineBackground(() => {
  startBackground();
  // Managed model settings are saved by the background's own handler, which keeps the agent's key.
  wireManagedSync(saveTeamProvider);
});
