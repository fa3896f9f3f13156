import { helpdeskOrigins } from './hosted';

/** The slice of `permissions` the copilot uses (the browser's, or an in-memory stand-in in tests). */
export interface PermissionsApi {
  contains(permissions: { origins: string[] }): Promise<boolean>;
  request(permissions: { origins: string[] }): Promise<boolean>;
  remove(permissions: { origins: string[] }): Promise<boolean>;
  getAll(): Promise<{ origins?: string[] }>;
}

export interface RegisteredScript {
  id: string;
  matches?: string[];
  js: string[];
  runAt?: 'document_start' | 'document_end' | 'document_idle';
  allFrames?: boolean;
  persistAcrossSessions?: boolean;
}

/** The slice of `scripting` the copilot uses. */
export interface ScriptingApi {
  getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<RegisteredScript[]>;
  registerContentScripts(scripts: RegisteredScript[]): Promise<void>;
  updateContentScripts(scripts: RegisteredScript[]): Promise<void>;
  unregisterContentScripts(filter?: { ids?: string[] }): Promise<void>;
}

export const HELPDESK_SCRIPT_ID = 'ticket-copilot-helpdesks';
export const CONTENT_SCRIPT_FILE = 'content-scripts/content.js';

export type EnableResult =
  | { ok: true; alreadyGranted: boolean; origins: string[] }
  | { ok: false; message: string };

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
}

/**
 * Least privilege for helpdesk sites: ask for a host permission only when it is not already held,
 * run the content script on exactly the granted helpdesk sites by registering it at run time, and
 * keep that registration in step with the permissions (after a grant, a removal, or a worker
 * restart). Loopback is covered by the manifest's own content script.
 */
export class SiteAccess {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly permissions: PermissionsApi,
    private readonly scripting: ScriptingApi,
  ) {}

  /**
   * Ask for the sites. Browsers only prompt inside a user gesture, and an `await` before the prompt
   * can lose the gesture: a page that already checked `permissions.contains` (when it rendered)
   * passes what it found as `knownGranted`, so the prompt is the first call of the click. Without it,
   * `contains` is checked here first.
   */
  async enable(origins: string[], knownGranted?: boolean): Promise<EnableResult> {
    if (origins.length === 0) return { ok: false, message: 'Pick at least one helpdesk.' };
    let granted: boolean;
    let alreadyGranted = false;
    try {
      alreadyGranted = knownGranted ?? (await this.permissions.contains({ origins }));
      granted = alreadyGranted || (await this.permissions.request({ origins }));
    } catch (error) {
      return { ok: false, message: `The browser refused the request: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (!granted) {
      return { ok: false, message: 'Permission was not granted, so the copilot stays off there. Try again and choose Allow.' };
    }
    await this.reconcile();
    return { ok: true, alreadyGranted, origins };
  }

  /** Whether the copilot may already run on these sites. */
  isEnabled(origins: string[]): Promise<boolean> {
    return this.permissions.contains({ origins });
  }

  async disable(origins: string[]): Promise<void> {
    await this.permissions.remove({ origins });
    await this.reconcile();
  }

  /** The helpdesk sites the copilot may run on now. */
  async enabledOrigins(): Promise<string[]> {
    const all = await this.permissions.getAll();
    return helpdeskOrigins(all.origins ?? []);
  }

  /**
   * Make the registered content script match the granted sites: register, update or unregister.
   * Safe to call at any time and concurrently (calls run one after another); registering an id
   * that exists throws, so the current registration is always read first.
   */
  reconcile(): Promise<string[]> {
    const run = this.queue.then(() => this.reconcileNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reconcileNow(): Promise<string[]> {
    const origins = await this.enabledOrigins();
    const existing = (await this.scripting.getRegisteredContentScripts({ ids: [HELPDESK_SCRIPT_ID] })).find(
      (s) => s.id === HELPDESK_SCRIPT_ID,
    );
    if (origins.length === 0) {
      if (existing) await this.scripting.unregisterContentScripts({ ids: [HELPDESK_SCRIPT_ID] });
      return origins;
    }
    const script: RegisteredScript = {
      id: HELPDESK_SCRIPT_ID,
      matches: origins,
      js: [CONTENT_SCRIPT_FILE],
      runAt: 'document_idle',
      allFrames: false,
      persistAcrossSessions: true,
    };
    if (!existing) await this.scripting.registerContentScripts([script]);
    else if (!sameSet(existing.matches ?? [], origins)) await this.scripting.updateContentScripts([script]);
    return origins;
  }
}
