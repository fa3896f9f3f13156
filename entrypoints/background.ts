import { defineBackground } from 'wxt/utils/define-background';
import { startBackground } from '../lib/platform/background-wiring';

export default defineBackground(() => {
  startBackground();
});
