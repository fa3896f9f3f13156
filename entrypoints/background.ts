import { defineBackground } from 'wxt/utils/define-background';
import { startBackground } from '../lib/platform/background-wiring';
import { wireManagedSync } from '../lib/platform/pilot-store';

export default defineBackground(() => {
  startBackground();
  wireManagedSync();
});
