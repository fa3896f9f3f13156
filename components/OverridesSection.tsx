import { useState } from 'react';
import { OVERRIDE_FIELDS, type OverrideField, type SelectorOverrides, type SiteOverrides } from '../lib/ticket/overrides';

const LABELS: Record<OverrideField, string> = {
  subject: 'Subject',
  message: 'Each message',
  roleAgent: 'Marks an agent message',
  roleNote: 'Marks an internal note',
  editor: 'Reply editor',
  send: 'Send button',
};

export interface OverridesSectionProps {
  overrides: SiteOverrides;
  errors: Partial<Record<OverrideField, string>>;
  message: { ok: boolean; text: string } | null;
  onSave: (origin: string, selectors: SelectorOverrides) => void;
  onDelete: (origin: string) => void;
}

/** Advanced: CSS selectors that override a site's adapter when the helpdesk changed its page. */
export function OverridesSection(props: OverridesSectionProps) {
  const [origin, setOrigin] = useState('');
  const [selectors, setSelectors] = useState<SelectorOverrides>({});
  return (
    <details className="overrides">
      <summary>Advanced: selector overrides</summary>
      <p className="muted">
        When a helpdesk changes its page and the copilot stops reading it right, set CSS selectors for that site here.
        Empty fields keep the built-in reader. A page snapshot from the side panel shows the structure to select on.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onSave(origin, selectors);
        }}
      >
        <label>
          Site
          <br />
          <input data-testid="override-origin" placeholder="https://support.example.com" value={origin} onChange={(e) => setOrigin(e.target.value)} />
        </label>
        {OVERRIDE_FIELDS.map((field) => (
          <label key={field}>
            {LABELS[field]}
            <br />
            <input
              data-testid={`override-${field}`}
              value={selectors[field] ?? ''}
              aria-invalid={Boolean(props.errors[field])}
              onChange={(e) => setSelectors((s) => ({ ...s, [field]: e.target.value }))}
            />
            {props.errors[field] && <span className="alert">{props.errors[field]}</span>}
          </label>
        ))}
        <div>
          <button type="submit" className="primary" data-testid="override-save">
            Save overrides
          </button>
        </div>
      </form>
      {props.message && (
        <p className={props.message.ok ? 'ok' : 'alert'} role="status">
          {props.message.text}
        </p>
      )}
      {Object.keys(props.overrides).length > 0 && (
        <ul>
          {Object.entries(props.overrides).map(([site, o]) => (
            <li key={site}>
              <code>{site}</code>:{' '}
              {OVERRIDE_FIELDS.filter((f) => o[f])
                .map((f) => `${LABELS[f]} = ${o[f] ?? ''}`)
                .join('; ')}{' '}
              <button type="button" className="quiet" onClick={() => props.onDelete(site)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
