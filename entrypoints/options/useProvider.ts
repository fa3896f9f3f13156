import { useEffect, useMemo, useState } from 'react';
import { browser } from 'wxt/browser';
import { useOriginAccess } from './useOriginAccess';
import type { ProviderForm, ProviderTextField } from '../../components/ProviderSection';
import { presetDefaults, type ProviderPreset } from '../../lib/drafting/provider-settings';
import { ProviderGetReply, ProviderResultReply, type ProviderRequest, type PublicProviderSettings } from '../../lib/messages';
import { endpointPattern } from '../../lib/sites/hosted';
import { readManagedStorage, watchManagedStorage } from '../../lib/platform/pilot-store';
import { lockedProviderFields } from '../../lib/pilot/team-config';

const EMPTY_FORM: ProviderForm = {
  preset: 'openai',
  baseUrl: presetDefaults('openai').baseUrl,
  model: '',
  apiKey: '',
  temperature: '0.2',
  maxTokens: '700',
  priceIn: '0',
  priceOut: '0',
  draftMode: 'on-request',
  monthlyCap: '',
  tone: 'friendly',
  replyLength: 'medium',
};

/** The stored settings, so a save keeps what this form does not show (set elsewhere in Options). */
type Hidden = Partial<PublicProviderSettings>;

function formOf(settings: PublicProviderSettings): ProviderForm {
  return {
    preset: settings.preset,
    baseUrl: settings.baseUrl,
    model: settings.model,
    apiKey: '',
    temperature: String(settings.temperature),
    maxTokens: String(settings.maxTokens),
    priceIn: String(settings.priceInPerMillion),
    priceOut: String(settings.priceOutPerMillion),
    draftMode: settings.draftMode,
    monthlyCap: settings.monthlyCapUsd === undefined ? '' : String(settings.monthlyCapUsd),
    tone: settings.tone,
    replyLength: settings.replyLength,
  };
}

/** A number when the text is one; the text itself otherwise, so the background names the field. */
function numberOrText(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
}

/** The settings to send: the key only when one was typed (absent keeps the stored key). */
function settingsOf(form: ProviderForm, hidden: Hidden): Record<string, unknown> {
  const { monthlyCapUsd: _cap, ...kept } = hidden;
  const entries: Array<[string, unknown]> = [
    ...Object.entries(kept),
    ['preset', form.preset],
    ['baseUrl', form.baseUrl],
    ['model', form.model],
    ['temperature', numberOrText(form.temperature)],
    ['maxTokens', numberOrText(form.maxTokens)],
    ['priceInPerMillion', numberOrText(form.priceIn)],
    ['priceOutPerMillion', numberOrText(form.priceOut)],
    ['draftMode', form.draftMode],
    ['tone', form.tone],
    ['replyLength', form.replyLength],
    ['monthlyCapUsd', numberOrText(form.monthlyCap)],
    ['apiVersion', hidden.apiVersion],
    ['apiKey', form.apiKey.trim() ? form.apiKey : undefined],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function ask(request: ProviderRequest): Promise<unknown> {
  return browser.runtime.sendMessage(request);
}

/**
 * The state behind Options → Model. The key is sent to the background and never read back. The
 * host permission is checked when the address changes, so a click can ask for it first thing (the
 * prompt needs the click's user gesture, which an `await` before it may lose).
 */
export function useProvider() {
  const [form, setForm] = useState<ProviderForm>(EMPTY_FORM);
  const [hidden, setHidden] = useState<Hidden>({});
  const [hasKey, setHasKey] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [locked, setLocked] = useState<string[]>([]);

  useEffect(() => {
    const read = () =>
      void readManagedStorage()
        .then((m) => setLocked(lockedProviderFields(m.locked)))
        .catch(() => undefined);
    read();
    return watchManagedStorage(read);
  }, []);

  useEffect(() => {
    let live = true;
    ask({ type: 'provider/get' }).then(
      (raw) => {
        const reply = ProviderGetReply.safeParse(raw);
        if (!live) return;
        if (!reply.success) {
          setStatus({ ok: false, text: "The extension's background gave no usable answer. Reload this page." });
          return;
        }
        setHasKey(reply.data.hasKey);
        const settings = reply.data.settings;
        if (settings) {
          setForm(formOf(settings));
          setHidden(settings);
        }
      },
      (error: unknown) => live && setStatus({ ok: false, text: `The extension's background did not answer (${describeError(error)}). Reload this page.` }),
    );
    return () => {
      live = false;
    };
  }, []);

  const pattern = useMemo(() => endpointPattern(form.baseUrl), [form.baseUrl]);
  const { granted, markGranted } = useOriginAccess(pattern);

  const onField = (field: ProviderTextField, value: string) => setForm((f) => ({ ...f, [field]: value }));
  const onPreset = (preset: ProviderPreset) => {
    const defaults = presetDefaults(preset);
    setForm((f) => ({ ...f, preset, baseUrl: defaults.baseUrl }));
    setHidden((h) => ({ ...h, apiVersion: defaults.apiVersion ?? h.apiVersion }));
  };
  const onDraftMode = (draftMode: ProviderForm['draftMode']) => setForm((f) => ({ ...f, draftMode }));
  const onStyle = (style: Partial<Pick<ProviderForm, 'tone' | 'replyLength'>>) => setForm((f) => ({ ...f, ...style }));

  /** Ask for the site first (inside the click), then hand the settings to the background. */
  const run = (verb: 'save' | 'test') => {
    const permission = pattern && granted !== true ? browser.permissions.request({ origins: [pattern] }) : null;
    const settings = settingsOf(form, hidden);
    void (async () => {
      setBusy(true);
      setStatus(verb === 'test' ? { ok: true, text: 'Testing the connection…' } : null);
      try {
        if (permission && pattern) {
          const origin = pattern.replace(/\/\*$/, '');
          let allowed: boolean;
          try {
            allowed = await permission;
          } catch (error) {
            setStatus({ ok: false, text: `The browser could not ask for access to ${origin} (${describeError(error)}). Check the base URL.` });
            return;
          }
          if (!allowed) {
            setStatus({ ok: false, text: `The copilot may not connect to ${origin}. Click ${verb === 'save' ? 'Save' : 'Test connection'} again and choose Allow.` });
            return;
          }
          markGranted(pattern);
        }
        let raw: unknown;
        try {
          raw = await ask(verb === 'save' ? { type: 'provider/save', settings } : { type: 'provider/test', settings });
        } catch (error) {
          setStatus({ ok: false, text: `The extension's background did not answer (${describeError(error)}). Reload this page and try again.` });
          return;
        }
        const reply = ProviderResultReply.safeParse(raw);
        if (!reply.success) {
          setStatus({ ok: false, text: "The extension's background gave no usable answer. Reload this page and try again." });
          return;
        }
        setStatus({ ok: reply.data.ok, text: reply.data.message });
        if (verb === 'save' && reply.data.ok) {
          setHasKey(reply.data.hasKey ?? false);
          setForm((f) => ({ ...f, apiKey: '' }));
        }
      } finally {
        setBusy(false);
      }
    })();
  };

  return {
    form,
    hasKey,
    granted,
    busy,
    status,
    onField,
    onPreset,
    onDraftMode,
    onStyle,
    onSave: () => run('save'),
    onTest: () => run('test'),
    locked,
  };
}
