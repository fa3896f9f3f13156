import { useState } from 'react';
import { TEST_IDS } from '../lib/testids';

const TYPE_LABELS: Record<string, string> = {
  EMAIL: 'Email addresses',
  PHONE: 'Phone numbers',
  CARD: 'Payment card numbers',
  IBAN: 'IBANs',
  NATIONAL_ID: 'National ID and social security numbers',
  IP: 'IP addresses',
  ADDRESS: 'Street addresses',
  PERSON: 'Names of the requester and people in signatures',
};

export interface GuardSectionProps {
  policyText: string;
  policyMessage: { ok: boolean; text: string } | null;
  onSavePolicy: (text: string) => void;
  onResetPolicy: () => void;
  maskable: readonly string[];
  disabled: readonly string[];
  onToggleType: (type: string, masked: boolean) => void;
  /** Sections an administrator set by policy (managed storage): shown, not editable. */
  locked?: { policies: boolean; pii: boolean };
}

const LOCKED_TITLE = "Set by your organisation's policy";

/** Privacy and topic policies: what is masked before any model sees it, and per-topic modes. */
export function GuardSection(props: GuardSectionProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? props.policyText;
  return (
    <div className="guard">
      <fieldset disabled={props.locked?.pii} title={props.locked?.pii ? LOCKED_TITLE : undefined}>
        <legend>Masked before anything leaves this browser{props.locked?.pii ? ' (set by your organisation)' : ''}</legend>
        {props.maskable.map((type) => (
          <label key={type} className="sites__row">
            <input
              type="checkbox"
              data-testid={`pii-${type}`}
              checked={!props.disabled.includes(type)}
              onChange={(e) => props.onToggleType(type, e.target.checked)}
            />
            {TYPE_LABELS[type] ?? type}
          </label>
        ))}
        <label className="sites__row">
          <input type="checkbox" checked disabled />
          Passwords, one-time codes, API keys and tokens — always removed, never restored
        </label>
      </fieldset>
      <fieldset disabled={props.locked?.policies} title={props.locked?.policies ? LOCKED_TITLE : undefined}>
        <legend>Topic policies</legend>
        {props.locked?.policies && (
          <p className="notice" data-testid={TEST_IDS.policyLocked}>
            Your organisation sets these policies by browser policy: they are shown here, and cannot be changed in this browser.
          </p>
        )}
        <p className="muted">
          Rules match the ticket&apos;s words, tags, priority or helpdesk and set a mode: <code>draft</code>,{' '}
          <code>review</code> (Insert asks for confirmation), <code>template-only</code> (never sent to a model),{' '}
          <code>no-ai</code> (no draft). The strictest matching rule wins.
        </p>
        <textarea
          className="policy-editor"
          data-testid={TEST_IDS.policyEditor}
          spellCheck={false}
          value={props.locked?.policies ? props.policyText : text}
          readOnly={props.locked?.policies}
          aria-label="Policy file (JSON)"
          onChange={(e) => setDraft(e.target.value)}
        />
        <div className="actions">
          <button
            type="button"
            className="primary"
            data-testid={TEST_IDS.policySave}
            onClick={() => {
              props.onSavePolicy(text);
            }}
          >
            Save policies
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(null);
              props.onResetPolicy();
            }}
          >
            Restore the defaults
          </button>
        </div>
        {props.policyMessage && (
          <p className={props.policyMessage.ok ? 'ok' : 'alert'} role="status">
            {props.policyMessage.text}
          </p>
        )}
      </fieldset>
    </div>
  );
}
