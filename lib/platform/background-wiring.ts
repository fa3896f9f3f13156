import { browser, type Browser } from 'wxt/browser';
import { CopilotService, type ActionResult } from '../copilot/service';
import {
  BackgroundToContent,
  ContentReply,
  ContentToBackground,
  PANEL_PORT_NAME,
  FetchPageRequest,
  PanelRequest,
  type FetchPageReply,
  type PanelPush,
} from '../messages';
import { fetchPage } from './fetch-page';
import { getAgent } from './agent';
import { db } from './database';
import { loadSampleKb } from './sample-kb';
import { SessionTabStore } from './session-tab-store';
import { wireSiteAccess } from './site-access';
import { wireProviderMessages } from './provider-messages';
import { wireEmbeddingMessages } from './embedding-messages';
import { disabledPiiItem, getPolicy } from './guard-settings';
import { isEntityType, type EntityType } from '../guard/entities';
import { createClient } from '../drafting/model-client';
import { createEmbedder } from '../retrieval/embeddings';
import { DexieAnswerCache } from '../copilot/answer-cache';
import { getProviderSettings } from './provider-store';
import { currentAssignment } from './pilot-store';

/** While a model request is open the worker calls an extension API this often, so it is not stopped as idle. */
const KEEP_ALIVE_MS = 20_000;

async function sendToTab(tabId: number, message: BackgroundToContent): Promise<ContentReply> {
  const reply: unknown = await browser.tabs.sendMessage(tabId, BackgroundToContent.parse(message));
  const parsed = ContentReply.safeParse(reply);
  return parsed.success ? parsed.data : { ok: false, error: 'The helpdesk page gave an unexpected answer.' };
}

/** Only our own content scripts, in a tab, may talk to the background. */
function fromOwnContentScript(sender: Browser.runtime.MessageSender): sender is Browser.runtime.MessageSender & { tab: { id: number } } {
  return sender.id === browser.runtime.id && typeof sender.tab?.id === 'number';
}

/**
 * Wire browser events to the copilot service. Every listener is registered synchronously when the
 * worker starts, so a worker woken by an event does not miss it.
 */
export function startBackground(): CopilotService {
  const describeTab = async (tabId: number) => {
    const tab = await browser.tabs.get(tabId);
    return tab.url ? { url: tab.url } : {};
  };
  const service = new CopilotService({
    db,
    tabs: new SessionTabStore(),
    getAgent,
    loadSampleKb,
    sendToTab,
    describeTab,
    getPolicy,
    // Secrets can never be switched off.
    getDisabledPii: async () => (await disabledPiiItem.getValue()).filter((t): t is EntityType => isEntityType(t) && t !== 'SECRET'),
    getProvider: getProviderSettings,
    // The key is the agent's own and stays in this worker; Firefox runs the background as a page, so
    // the SDK must be told that a browser context is intended.
    createModelClient: (settings) => createClient(settings, { dangerouslyAllowBrowser: true }),
    createEmbedder: (settings) => createEmbedder(settings, { dangerouslyAllowBrowser: true }),
    getPilotArm: currentAssignment,
    answerCache: new DexieAnswerCache(db),
  });
  const ports = new Map<Browser.runtime.Port, number | null>();

  const effectiveTab = (pinned: number | null) => pinned ?? service.followedTab;
  const push = async (port: Browser.runtime.Port) => {
    const state = await service.panelState(effectiveTab(ports.get(port) ?? null));
    const message: PanelPush = { type: 'state', state };
    try {
      port.postMessage(message);
    } catch {
      ports.delete(port);
    }
  };
  service.onChange((tabId) => {
    for (const [port, pinned] of ports) if (pinned === null || pinned === tabId) void push(port);
  });
  // Streamed draft text goes straight to the panels showing that tab, without a state round trip.
  service.onStream((tabId, text) => {
    const message: PanelPush = { type: 'stream', tabId, text };
    for (const [port, pinned] of ports) {
      if (effectiveTab(pinned) !== tabId) continue;
      try {
        port.postMessage(message);
      } catch {
        ports.delete(port);
      }
    }
  });
  // A local model can take 30 s to its first token: MV3 stops a worker idle for 30 s, and calling an
  // extension API resets that timer. Only while a request is open; never otherwise.
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  service.onBusy((open) => {
    if (open > 0 && !keepAlive) keepAlive = setInterval(() => void browser.runtime.getPlatformInfo().catch(() => undefined), KEEP_ALIVE_MS);
    if (open === 0 && keepAlive) {
      clearInterval(keepAlive);
      keepAlive = undefined;
    }
  });

  // Extension pages (Options) ask the worker to fetch a web page for a KB import.
  browser.runtime.onMessage.addListener((raw: unknown, sender, sendResponse: (reply: FetchPageReply) => void) => {
    if (sender.id !== browser.runtime.id || sender.tab?.url?.startsWith('http') || !sender.url?.startsWith(browser.runtime.getURL('/'))) return undefined;
    const parsed = FetchPageRequest.safeParse(raw);
    if (!parsed.success) return undefined;
    void fetchPage(parsed.data.url).then(sendResponse);
    return true;
  });

  // sendResponse + `return true` keeps the channel open in every Chromium and Firefox version.
  browser.runtime.onMessage.addListener((raw: unknown, sender, sendResponse: (reply: ContentReply) => void) => {
    if (!fromOwnContentScript(sender)) return undefined;
    const parsed = ContentToBackground.safeParse(raw);
    if (!parsed.success) return undefined;
    const message = parsed.data;
    const tabId = sender.tab.id;
    const work =
      message.type === 'ticket/read'
        ? service.ticketRead(tabId, message.ticket, message.readAt, sender.tab.active ?? true, message.reason)
        : service.replySent(tabId, message.ticketKey, message.text);
    work.then(
      () => sendResponse({ ok: true }),
      (error: unknown) => sendResponse({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
    return true;
  });

  browser.runtime.onConnect.addListener((port) => {
    // Only our own side panel page (as a panel, or opened as a tab) may subscribe.
    const panelUrl = browser.runtime.getURL('/sidepanel.html');
    if (port.name !== PANEL_PORT_NAME || port.sender?.id !== browser.runtime.id || !port.sender.url?.startsWith(panelUrl)) return;
    ports.set(port, null);
    port.onDisconnect.addListener(() => ports.delete(port));
    port.onMessage.addListener((raw: unknown) => {
      const parsed = PanelRequest.safeParse(raw);
      if (!parsed.success) return;
      const request = parsed.data;
      if (request.type === 'subscribe') {
        ports.set(port, request.tabId);
        void service.restoreFollowed().then(async () => {
          await push(port);
          const tabId = effectiveTab(request.tabId);
          if (tabId !== null) await service.panelOpened(tabId);
          await service.ready();
          await push(port);
        });
        return;
      }
      void service
        .handlePanel(request, effectiveTab(ports.get(port) ?? null))
        .catch((error: unknown): ActionResult => ({ ok: false, message: `Something went wrong: ${error instanceof Error ? error.message : String(error)}` }))
        .then((result) => {
          if (request.type === 'shown') return;
          const reply: PanelPush = {
            type: 'result',
            requestId: request.requestId,
            ok: result.ok,
            ...(result.message ? { message: result.message } : {}),
            ...(result.file ? { file: result.file } : {}),
          };
          try {
            port.postMessage(reply);
          } catch {
            ports.delete(port);
          }
        });
    });
  });

  browser.tabs.onActivated.addListener(({ tabId }) => {
    void service.focusTab(tabId).then(() => {
      for (const [port, pinned] of ports) if (pinned === null) void push(port);
    });
  });
  browser.tabs.onRemoved.addListener((tabId) => void service.tabClosed(tabId));

  wireSiteAccess();
  wireProviderMessages();
  wireEmbeddingMessages({ onUpdated: () => service.dropVectors() });
  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason === 'install') void browser.tabs.create({ url: browser.runtime.getURL('/welcome.html') });
  });

  // Chrome: the toolbar button opens the side panel. Firefox shows the sidebar from its own UI.
  if (import.meta.env.BROWSER !== 'firefox' && browser.sidePanel) {
    void browser.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => undefined);
  }
  void service.ready().catch((error: unknown) => console.error('The knowledge base could not be loaded:', error));
  return service;
}
