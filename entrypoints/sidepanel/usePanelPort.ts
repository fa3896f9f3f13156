import { useCallback, useEffect, useRef, useState } from 'react';
import { browser, type Browser } from 'wxt/browser';
import { PANEL_PORT_NAME, PanelPush, type PanelRequest, type PanelState } from '../../lib/messages';

type Request = Exclude<PanelRequest, { type: 'subscribe' | 'shown' }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type RequestBody = DistributiveOmit<Request, 'requestId'>;

export interface PanelResult {
  ok: boolean;
  message?: string;
  file?: { name: string; content: string };
}

/**
 * The panel's port to the background. It reconnects when the worker stops (MV3 may stop it at any
 * time) and subscribes again, so the background can resume the draft.
 */
export function usePanelPort(tabId: number | null) {
  const [state, setState] = useState<PanelState | null>(null);
  /** The latest streamed text, per tab; a state push without a stream clears it. */
  const [stream, setStream] = useState<{ tabId: number; text: string } | null>(null);
  const [connected, setConnected] = useState(false);
  const portRef = useRef<Browser.runtime.Port | null>(null);
  const pending = useRef(new Map<string, (r: PanelResult) => void>());

  useEffect(() => {
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      if (stopped) return;
      const port = browser.runtime.connect({ name: PANEL_PORT_NAME });
      portRef.current = port;
      setConnected(true);
      port.onMessage.addListener((raw: unknown) => {
        const parsed = PanelPush.safeParse(raw);
        if (!parsed.success) return;
        if (parsed.data.type === 'state') {
          const next = parsed.data.state;
          setState(next);
          setStream((current) => (next.stream && next.tabId !== null ? (current?.tabId === next.tabId && current.text.length > next.stream.text.length ? current : { tabId: next.tabId, text: next.stream.text }) : null));
        } else if (parsed.data.type === 'stream') {
          const { tabId: streamTab, text } = parsed.data;
          setStream({ tabId: streamTab, text });
        } else {
          const resolve = pending.current.get(parsed.data.requestId);
          pending.current.delete(parsed.data.requestId);
          resolve?.({
            ok: parsed.data.ok,
            ...(parsed.data.message ? { message: parsed.data.message } : {}),
            ...(parsed.data.file ? { file: parsed.data.file } : {}),
          });
        }
      });
      port.onDisconnect.addListener(() => {
        portRef.current = null;
        setConnected(false);
        for (const resolve of pending.current.values()) resolve({ ok: false, message: 'The copilot restarted. Try again.' });
        pending.current.clear();
        retry = setTimeout(connect, 300);
      });
      const subscribe: PanelRequest = { type: 'subscribe', tabId };
      port.postMessage(subscribe);
    };
    connect();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      portRef.current?.disconnect();
      portRef.current = null;
    };
  }, [tabId]);

  const request = useCallback((body: RequestBody): Promise<PanelResult> => {
    const port = portRef.current;
    if (!port) return Promise.resolve({ ok: false, message: 'The copilot is restarting. Try again in a moment.' });
    const requestId = crypto.randomUUID();
    return new Promise((resolve) => {
      pending.current.set(requestId, resolve);
      port.postMessage({ ...body, requestId });
    });
  }, []);

  const reportShown = useCallback((draftId: string) => {
    const shown: PanelRequest = { type: 'shown', draftId, shownAt: Date.now() };
    portRef.current?.postMessage(shown);
  }, []);

  // Streamed text only belongs to the tab the panel shows, while no finished draft is there.
  const streamText = stream && state && state.tabId === stream.tabId && !state.draft && state.status === 'drafting' ? stream.text : null;
  return { state, connected, request, reportShown, streamText };
}
