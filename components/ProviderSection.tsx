import { PRESETS, PROVIDER_PRESETS, type ProviderPreset } from '../lib/drafting/provider-settings';
import { TEST_IDS } from '../lib/testids';

/** The Model form as typed: numbers stay text until the background validates them. */
export interface ProviderForm {
  preset: ProviderPreset;
  baseUrl: string;
  model: string;
  apiKey: string;
  temperature: string;
  maxTokens: string;
  priceIn: string;
  priceOut: string;
  draftMode: 'auto' | 'on-request';
  monthlyCap: string;
  tone: 'friendly' | 'neutral' | 'formal';
  replyLength: 'short' | 'medium' | 'long';
}

export type ProviderTextField = Exclude<keyof ProviderForm, 'preset' | 'draftMode' | 'tone' | 'replyLength'>;

export interface ProviderSectionProps {
  form: ProviderForm;
  hasKey: boolean;
  /** Whether the extension may reach the base URL's site (null: not known yet or no valid address). */
  granted: boolean | null;
  busy: boolean;
  status: { ok: boolean; text: string } | null;
  onField: (field: ProviderTextField, value: string) => void;
  onPreset: (preset: ProviderPreset) => void;
  onDraftMode: (mode: 'auto' | 'on-request') => void;
  onStyle: (style: Partial<Pick<ProviderForm, 'tone' | 'replyLength'>>) => void;
  onSave: () => void;
  onTest: () => void;
  /** Provider fields an administrator set by policy (`baseUrl`, `model`, …): shown, not editable. */
  locked?: readonly string[];
}

/** The settings field behind each form field, for locks. */
const SETTINGS_FIELD: Record<string, string> = { priceIn: 'priceInPerMillion', priceOut: 'priceOutPerMillion', monthlyCap: 'monthlyCapUsd' };

function isPreset(value: string): value is ProviderPreset {
  return PROVIDER_PRESETS.some((p) => p === value);
}

/** Options → Model: which OpenAI-compatible server writes the drafts, and what it may cost. */
export function ProviderSection(props: ProviderSectionProps) {
  const { form, onField } = props;
  const lock = (field: string) =>
    props.locked?.includes(SETTINGS_FIELD[field] ?? field) ? { disabled: true, title: "Set by your organisation's policy" } : {};
  const numberInput = (field: ProviderTextField, label: string, testId: string, placeholder?: string) => (
    <label>
      {label}
      <br />
      <input
        {...lock(field)}
        data-testid={testId}
        type="text"
        inputMode="decimal"
        value={form[field]}
        placeholder={placeholder}
        onChange={(e) => onField(field, e.target.value)}
      />
    </label>
  );
  return (
    <div className="provider">
      {props.locked && props.locked.length > 0 && (
        <p className="notice" data-testid={TEST_IDS.settingsLocked}>
          Your organisation sets {props.locked.join(', ')} by browser policy; those fields cannot be changed here. Your own API key can.
        </p>
      )}
      <p className="muted">
        Any OpenAI-compatible server can write the drafts. The API key is kept by the extension&apos;s background and is
        never shown again after saving.
      </p>
      <label>
        Provider
        <br />
        <select
          {...lock('preset')}
          data-testid={TEST_IDS.settingsProvider}
          value={form.preset}
          onChange={(e) => {
            if (isPreset(e.target.value)) props.onPreset(e.target.value);
          }}
        >
          {PROVIDER_PRESETS.map((p) => (
            <option key={p} value={p}>
              {PRESETS[p].label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Base URL
        <br />
        <input
          {...lock('baseUrl')}
          data-testid={TEST_IDS.settingsBaseUrl}
          data-granted={props.granted === null ? undefined : String(props.granted)}
          type="url"
          value={form.baseUrl}
          placeholder="https://api.example.com/v1"
          onChange={(e) => onField('baseUrl', e.target.value)}
          spellCheck={false}
        />
      </label>
      {props.granted === false && <p className="muted">The browser will ask you to allow access to this address when you save or test.</p>}
      <label>
        Model
        <br />
        <input {...lock('model')} data-testid={TEST_IDS.settingsModel} value={form.model} onChange={(e) => onField('model', e.target.value)} spellCheck={false} />
      </label>
      <label>
        API key
        <br />
        <input
          data-testid={TEST_IDS.settingsApiKey}
          type="password"
          autoComplete="off"
          value={form.apiKey}
          placeholder={props.hasKey ? '•••• stored' : PRESETS[form.preset].needsKey ? 'Required' : 'Optional'}
          onChange={(e) => onField('apiKey', e.target.value)}
        />
      </label>
      {props.hasKey && <p className="muted">Leave the key empty to keep the stored one; type a new one to replace it.</p>}
      {numberInput('temperature', 'Temperature (0–2)', TEST_IDS.settingsTemperature)}
      {numberInput('maxTokens', 'Max tokens per draft', TEST_IDS.settingsMaxTokens)}
      {numberInput('priceIn', 'Price per million input tokens (US$)', TEST_IDS.settingsPriceIn)}
      {numberInput('priceOut', 'Price per million output tokens (US$)', TEST_IDS.settingsPriceOut)}
      <label>
        Draft
        <br />
        <select
          {...lock('draftMode')}
          data-testid={TEST_IDS.settingsDraftMode}
          value={form.draftMode}
          onChange={(e) => props.onDraftMode(e.target.value === 'on-request' ? 'on-request' : 'auto')}
        >
          <option value="auto">As soon as a ticket opens</option>
          <option value="on-request">Only when I ask</option>
        </select>
      </label>
      {numberInput('monthlyCap', 'Monthly cap (US$, empty: no cap)', TEST_IDS.settingsMonthlyCap, 'No cap')}
      <label>
        Tone
        <br />
        <select
          data-testid={TEST_IDS.settingsTone}
          value={form.tone}
          onChange={(e) => props.onStyle({ tone: e.target.value === 'formal' ? 'formal' : e.target.value === 'neutral' ? 'neutral' : 'friendly' })}
        >
          <option value="friendly">Friendly</option>
          <option value="neutral">Neutral</option>
          <option value="formal">Formal</option>
        </select>
      </label>
      <label>
        Length
        <br />
        <select
          data-testid={TEST_IDS.settingsReplyLength}
          value={form.replyLength}
          onChange={(e) => props.onStyle({ replyLength: e.target.value === 'short' ? 'short' : e.target.value === 'long' ? 'long' : 'medium' })}
        >
          <option value="short">Short</option>
          <option value="medium">Medium</option>
          <option value="long">Long</option>
        </select>
      </label>
      <div className="actions">
        <button type="button" className="primary" data-testid={TEST_IDS.settingsSave} disabled={props.busy} onClick={props.onSave}>
          Save
        </button>
        <button type="button" data-testid={TEST_IDS.settingsTest} disabled={props.busy} onClick={props.onTest}>
          Test connection
        </button>
      </div>
      {props.status && (
        <p className={props.status.ok ? 'ok' : 'alert'} role="status" data-testid={TEST_IDS.settingsStatus}>
          {props.status.text}
        </p>
      )}
    </div>
  );
}
