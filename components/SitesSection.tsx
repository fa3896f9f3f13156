import { useState } from 'react';
import { TEST_IDS } from '../lib/testids';

export interface HostedRow {
  id: string;
  name: string;
  enabled: boolean;
}

export interface SitesSectionProps {
  hosted: readonly HostedRow[];
  customSites: readonly string[];
  busy: boolean;
  message: { ok: boolean; text: string } | null;
  onToggleHosted: (id: string, enable: boolean) => void;
  onAddSite: (address: string) => void;
  onRemoveSite: (origin: string) => void;
}

/** Where the copilot runs: hosted helpdesks by checkbox, any other site by address. */
export function SitesSection(props: SitesSectionProps) {
  const [address, setAddress] = useState('');
  return (
    <div className="sites">
      <fieldset className="sites__hosted">
        <legend>Hosted helpdesks</legend>
        <p className="muted">The copilot reads pages only on the helpdesks you tick. Your browser asks you to confirm each one.</p>
        {props.hosted.map((h) => (
          <label key={h.id} className="sites__row">
            <input
              type="checkbox"
              data-testid={`site-${h.id}`}
              checked={h.enabled}
              disabled={props.busy}
              onChange={(e) => props.onToggleHosted(h.id, e.target.checked)}
            />
            {h.name}
          </label>
        ))}
      </fieldset>
      <fieldset className="sites__custom">
        <legend>Your own helpdesk (Zammad, FreeScout, any site)</legend>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            props.onAddSite(address);
          }}
        >
          <input
            type="url"
            inputMode="url"
            placeholder="https://support.example.com"
            aria-label="Helpdesk address"
            data-testid={TEST_IDS.siteAddress}
            value={address}
            onChange={(e) => setAddress(e.target.value)}
          />{' '}
          <button type="submit" className="primary" data-testid={TEST_IDS.enableSite} disabled={props.busy}>
            Enable on this site
          </button>
        </form>
        {props.customSites.length > 0 ? (
          <ul className="sites__list">
            {props.customSites.map((origin) => (
              <li key={origin}>
                <code>{origin}</code>{' '}
                <button type="button" className="quiet" onClick={() => props.onRemoveSite(origin)} disabled={props.busy}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No other sites yet. Loopback (localhost, 127.0.0.1) always works.</p>
        )}
      </fieldset>
      {props.message && (
        <p className={props.message.ok ? 'ok' : 'alert'} role="status" data-testid={TEST_IDS.siteStatus}>
          {props.message.text}
        </p>
      )}
    </div>
  );
}
