import { browser } from 'wxt/browser';
import { SiteAccess, type PermissionsApi, type ScriptingApi } from '../sites/site-access';

const permissionsApi: PermissionsApi = {
  contains: (p) => browser.permissions.contains(p),
  request: (p) => browser.permissions.request(p),
  remove: (p) => browser.permissions.remove(p),
  getAll: () => browser.permissions.getAll(),
};

const scriptingApi: ScriptingApi = {
  getRegisteredContentScripts: async (filter) =>
    (await browser.scripting.getRegisteredContentScripts(filter)).map((s) => ({
      id: s.id,
      js: s.js ?? [],
      ...(s.matches ? { matches: s.matches } : {}),
    })),
  registerContentScripts: (scripts) => browser.scripting.registerContentScripts(scripts),
  updateContentScripts: (scripts) => browser.scripting.updateContentScripts(scripts),
  unregisterContentScripts: (filter) => browser.scripting.unregisterContentScripts(filter),
};

/** Host permissions and the run-time content script, over the browser's own APIs. */
export const siteAccess = new SiteAccess(permissionsApi, scriptingApi);

/** Keep the registration in step with the permissions, whoever changed them. Call at worker start. */
export function wireSiteAccess(): void {
  browser.permissions.onAdded.addListener(() => void siteAccess.reconcile().catch(reportReconcileError));
  browser.permissions.onRemoved.addListener(() => void siteAccess.reconcile().catch(reportReconcileError));
  void siteAccess.reconcile().catch(reportReconcileError);
}

function reportReconcileError(error: unknown): void {
  console.error('Ticket Copilot could not update where it runs:', error);
}
