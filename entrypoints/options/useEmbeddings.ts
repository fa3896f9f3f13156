import { useEffect, useRef, useState } from 'react';
import { browser, type Browser } from 'wxt/browser';
import type { EmbeddingsSectionProps } from '../../components/EmbeddingsSection';
import { embeddingStatus } from '../../lib/kb/embedding-store';
import { EMBED_PORT_NAME, EmbedPortPush, EmbeddingsSaveReply, ProviderGetReply, type EmbedPortRequest, type EmbeddingsSaveRequest, type ProviderRequest } from '../../lib/messages';
import { db } from '../../lib/platform/database';
import { endpointPattern } from '../../lib/sites/hosted';
import { useOriginAccess } from './useOriginAccess';

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The state behind Options → Model → Embeddings. The settings are saved by the background (next
 * to the provider settings and the key); embedding runs in the background over a port that
 * reports progress, and closing this page cancels it (what was saved is kept).
 */
export function useEmbeddings(): EmbeddingsSectionProps {
  const [configured, setConfigured] = useState(false);
  const [enabled, setEnabled] = useState(false);
  const [model, setModel] = useState('');
  const [savedModel, setSavedModel] = useState<string | null>(null);
  const [baseUrl, setBaseUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<EmbeddingsSectionProps['progress']>(null);
  const [coverage, setCoverage] = useState<EmbeddingsSectionProps['coverage']>(null);
  const [message, setMessage] = useState<EmbeddingsSectionProps['message']>(null);
  const [refresh, setRefresh] = useState(0);
  const port = useRef<Browser.runtime.Port | null>(null);
  /** Ends the wait for the current run (a port closed from this side gets no onDisconnect here). */
  const finish = useRef<(() => void) | null>(null);

  useEffect(() => {
    let live = true;
    const request: ProviderRequest = { type: 'provider/get' };
    browser.runtime.sendMessage(request).then(
      (raw: unknown) => {
        const reply = ProviderGetReply.safeParse(raw);
        if (!live || !reply.success) return;
        const settings = reply.data.settings;
        setConfigured(settings !== null);
        if (!settings) return;
        setEnabled(settings.embeddingsEnabled);
        setModel(settings.embeddingModel ?? '');
        setSavedModel(settings.embeddingModel ?? null);
        setBaseUrl(settings.baseUrl);
      },
      (error: unknown) => live && setMessage({ ok: false, text: `The extension's background did not answer (${describeError(error)}). Reload this page.` }),
    );
    return () => {
      live = false;
    };
  }, [refresh]);

  // How much of the KB has vectors: read once per saved model and after each run, not live (it reads every vector).
  useEffect(() => {
    if (!savedModel) return;
    let live = true;
    embeddingStatus(db, savedModel).then(
      (status) => live && setCoverage({ current: status.current, total: status.total, model: status.model }),
      () => live && setCoverage(null),
    );
    return () => {
      live = false;
    };
  }, [savedModel, refresh]);

  const pattern = endpointPattern(baseUrl);
  const { granted, markGranted } = useOriginAccess(pattern);

  useEffect(() => () => port.current?.disconnect(), []);

  const save = async (): Promise<boolean> => {
    const request: EmbeddingsSaveRequest = { type: 'embeddings/save', enabled, model };
    let raw: unknown;
    try {
      raw = await browser.runtime.sendMessage(request);
    } catch (error) {
      setMessage({ ok: false, text: `The extension's background did not answer (${describeError(error)}). Reload this page and try again.` });
      return false;
    }
    const reply = EmbeddingsSaveReply.safeParse(raw);
    if (!reply.success) {
      setMessage({ ok: false, text: "The extension's background gave no usable answer. Reload this page and try again." });
      return false;
    }
    setMessage({ ok: reply.data.ok, text: reply.data.message });
    if (reply.data.ok) setSavedModel(model.trim() || null);
    return reply.data.ok;
  };

  const onSave = () => {
    void (async () => {
      setBusy(true);
      try {
        await save();
      } finally {
        setBusy(false);
      }
    })();
  };

  const onEmbed = () => {
    // Ask for the server's site inside the click: the prompt needs the user gesture.
    const permission = pattern && granted !== true ? browser.permissions.request({ origins: [pattern] }) : null;
    void (async () => {
      setBusy(true);
      setMessage(null);
      try {
        if (permission && pattern) {
          const origin = pattern.replace(/\/\*$/, '');
          let allowed = false;
          try {
            allowed = await permission;
          } catch (error) {
            setMessage({ ok: false, text: `The browser could not ask for access to ${origin} (${describeError(error)}). Check the base URL under Model.` });
            return;
          }
          if (!allowed) {
            setMessage({ ok: false, text: `The copilot may not connect to ${origin}. Click Embed knowledge base again and choose Allow.` });
            return;
          }
          markGranted(pattern);
        }
        if (!(await save())) return;
        setProgress({ value: 0, label: 'Checking which passages need vectors…', done: false });
        await new Promise<void>((resolve) => {
          const p = browser.runtime.connect({ name: EMBED_PORT_NAME });
          port.current = p;
          finish.current = resolve;
          p.onMessage.addListener((raw: unknown) => {
            const push = EmbedPortPush.safeParse(raw);
            if (!push.success) return;
            const { done, total } = push.data;
            const value = total > 0 ? (100 * done) / total : 100;
            if (push.data.type === 'progress') {
              setProgress({ value, label: `Embedding: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} passages have vectors…`, done: false });
              return;
            }
            setProgress({ value, label: push.data.ok ? 'Done.' : 'Stopped.', done: true });
            setMessage({ ok: push.data.ok, text: push.data.message });
            p.disconnect();
            resolve();
          });
          p.onDisconnect.addListener(() => resolve());
          const start: EmbedPortRequest = { type: 'start' };
          p.postMessage(start);
        });
      } finally {
        port.current = null;
        finish.current = null;
        setBusy(false);
        setRefresh((n) => n + 1);
      }
    })();
  };

  const onCancel = () => {
    port.current?.disconnect();
    port.current = null;
    finish.current?.();
    setProgress((p) => (p ? { ...p, label: 'Cancelled. What was embedded so far is kept.', done: true } : p));
  };

  return {
    configured,
    enabled,
    model,
    busy,
    running: busy && progress !== null && !progress.done,
    progress,
    coverage: savedModel && coverage?.model === savedModel ? coverage : null,
    message,
    onEnabled: setEnabled,
    onModel: setModel,
    onSave,
    onEmbed,
    onCancel,
  };
}
