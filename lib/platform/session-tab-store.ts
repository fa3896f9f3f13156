import { storage } from 'wxt/utils/storage';
import { TabStateSchema, type TabState, type TabStore } from '../copilot/tab-store';

/**
 * Per-tab state in `storage.session`: it outlives a stopped service worker but not the browser
 * session, and never touches disk.
 */
export class SessionTabStore implements TabStore {
  private key(tabId: number): `session:tab:${number}` {
    return `session:tab:${tabId}`;
  }
  async get(tabId: number): Promise<TabState | undefined> {
    const raw = await storage.getItem<unknown>(this.key(tabId));
    const parsed = TabStateSchema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  }
  async set(tabId: number, state: TabState): Promise<void> {
    await storage.setItem(this.key(tabId), state);
  }
  async delete(tabId: number): Promise<void> {
    await storage.removeItem(this.key(tabId));
  }
  async getFollowed(): Promise<number | null> {
    const value = await storage.getItem<unknown>('session:followedTab');
    return typeof value === 'number' ? value : null;
  }
  async setFollowed(tabId: number | null): Promise<void> {
    if (tabId === null) await storage.removeItem('session:followedTab');
    else await storage.setItem('session:followedTab', tabId);
  }
}
