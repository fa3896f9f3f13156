import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import { AcceptanceFooter } from '../../components/AcceptanceFooter';
import { ConfidenceBadge } from '../../components/ConfidenceBadge';
import { DraftText } from '../../components/DraftText';
import { FeedbackBar, type Rating } from '../../components/FeedbackBar';
import { SourceList } from '../../components/SourceList';
import { TicketSummary } from '../../components/TicketSummary';
import { insertableText } from '../../lib/drafting/insertable';
import { eventsOfAgent } from '../../lib/feedback/recorder';
import { summarizeDrafts, type Outcome } from '../../lib/feedback/outcomes';
import { statsFromDrafts } from '../../lib/feedback/stats';
import { db } from '../../lib/platform/database';
import { TEST_IDS } from '../../lib/testids';
import { usePanelPort, type PanelResult } from './usePanelPort';
import type { PanelState } from '../../lib/messages';

/** Offer a text file as a download from the panel. */
function downloadFile(name: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: 'text/html;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function pinnedTabId(): number | null {
  const raw = new URLSearchParams(window.location.search).get('tabId');
  const n = raw === null ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

const STATUS_TEXT = {
  'no-tab': 'Open a ticket in your helpdesk and the copilot will draft a reply here.',
  waiting: 'Waiting for the helpdesk page to load…',
  indexing: 'Indexing the knowledge base…',
  drafting: 'Drafting a reply…',
} as const;

const OUTCOME_TEXT: Record<Outcome, string> = {
  'as-is': 'Sent as drafted.',
  edited: 'Sent after edits.',
  rewritten: 'Sent, mostly rewritten.',
  ignored: 'A reply was sent without this draft.',
  dismissed: 'Dismissed.',
  abandoned: 'Replaced before it was used.',
  pending: '',
};

const REWRITES = [
  ['shorter', 'Shorter', TEST_IDS.rewriteShorter],
  ['formal', 'More formal', TEST_IDS.rewriteFormal],
  ['friendlier', 'Friendlier', TEST_IDS.rewriteFriendlier],
  ['customer-language', "In the customer's language", TEST_IDS.rewriteCustomerLanguage],
] as const;

/** Where a draft came from and what it cost, in one line. */
function draftMeta(draft: NonNullable<PanelState['draft']>): string {
  const parts: string[] = [draft.model ? `Drafted by ${draft.model}` : 'Template draft, made in this browser'];
  if (draft.rewrite) parts.push(`rewritten (${draft.rewrite})`);
  if (draft.cacheHit) parts.push('reused from the cache, no cost');
  else if (draft.tokensIn + draft.tokensOut > 0) {
    parts.push(`${draft.tokensIn + draft.tokensOut} tokens`);
    if (draft.costUsd > 0) parts.push(`US$${draft.costUsd < 0.01 ? draft.costUsd.toFixed(4) : draft.costUsd.toFixed(2)}`);
  }
  if (draft.groundedness !== undefined) parts.push(`${Math.round(draft.groundedness * 100)}% of statements backed by their source`);
  return `${parts.join(' · ')}.`;
}

export function App() {
  const [tabId] = useState(pinnedTabId);
  const { state, request, reportShown, streamText } = usePanelPort(tabId);
  const [result, setResult] = useState<{ draftId: string | null; result: PanelResult } | null>(null);
  const [busy, setBusy] = useState(false);
  const [cited, setCited] = useState<{ draftId: string; marker: number } | null>(null);
  const draft = state?.draft ?? null;
  // Messages and highlights belong to the draft they were about.
  const status = result && result.draftId === (draft?.draftId ?? null) ? result.result : null;
  const highlighted = cited && cited.draftId === draft?.draftId ? cited.marker : null;
  const agentId = state?.agentId ?? '';

  const events = useLiveQuery(() => (agentId ? eventsOfAgent(db, agentId) : Promise.resolve([])), [agentId]);
  const summaries = useMemo(() => (events ? summarizeDrafts(events) : null), [events]);
  const stats = useMemo(() => (events && summaries ? statsFromDrafts([...summaries.values()], events) : null), [events, summaries]);
  const outcome = draft ? summaries?.get(draft.draftId) : undefined;
  const thumb = useMemo(() => {
    if (!draft || !events) return null;
    const rated = events.filter((e) => e.type === 'rated' && e.draftId === draft.draftId).at(-1);
    return rated?.type === 'rated' ? rated.payload.thumb : null;
  }, [draft, events]);

  // `shown` is reported once the draft's text is on screen and the panel is visible.
  const draftId = draft?.draftId;
  useEffect(() => {
    if (!draftId) return;
    const report = () => {
      if (document.visibilityState === 'visible') {
        requestAnimationFrame(() => reportShown(draftId));
        return true;
      }
      return false;
    };
    if (report()) return;
    const onVisible = () => report() && document.removeEventListener('visibilitychange', onVisible);
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [draftId, reportShown]);

  const act = async (run: () => Promise<PanelResult>) => {
    setBusy(true);
    const about = draft?.draftId ?? null;
    try {
      const outcome = await run();
      setResult({ draftId: about, result: outcome });
    } finally {
      setBusy(false);
    }
  };

  const onCopy = () =>
    act(async () => {
      if (!draft) return { ok: false };
      try {
        await navigator.clipboard.writeText(insertableText(draft.text));
      } catch {
        return { ok: false, message: 'The clipboard is not available here. Select the draft text and copy it yourself.' };
      }
      return request({ type: 'copied', draftId: draft.draftId });
    });

  const [confirming, setConfirming] = useState<string | null>(null);
  const [snapshotStatus, setSnapshotStatus] = useState<PanelResult | null>(null);
  const onSnapshot = async () => {
    setBusy(true);
    try {
      const result = await request({ type: 'snapshot' });
      if (result.ok && result.file) downloadFile(result.file.name, result.file.content);
      setSnapshotStatus(result);
    } finally {
      setBusy(false);
    }
  };

  const onRate = (rating: Rating) => {
    if (!draft) return;
    void act(() => request({ type: 'rate', draftId: draft.draftId, ...rating }));
  };

  if (!state) {
    return (
      <main className="panel">
        <p className="muted">Connecting…</p>
      </main>
    );
  }

  return (
    <main className="panel">
      <header className="panel__header">
        <h1>Ticket Copilot</h1>
        <span className="muted" data-testid={TEST_IDS.kbStatus}>
          {state.kb.ready ? `${state.kb.docs} KB entries` : 'Indexing knowledge base…'}
        </span>
      </header>

      {state.status === 'no-ai' && (
        <section className="empty" data-testid={TEST_IDS.noAiNote}>
          <h2>Handle this one personally</h2>
          <p>{state.message ?? 'A policy keeps the copilot out of this ticket.'}</p>
          <p className="muted">No draft was made and nothing about this ticket left your browser.</p>
        </section>
      )}
      {state.status === 'no-ticket' && (
        <section className="empty" data-testid={TEST_IDS.noTicket}>
          <h2>No ticket on this page</h2>
          <p>{state.message ?? 'Open a ticket in your helpdesk. If this page is a ticket, reload it so the copilot can read it again.'}</p>
        </section>
      )}
      {(state.status === 'no-tab' || state.status === 'waiting' || state.status === 'indexing' || state.status === 'drafting') && (
        <p className="muted" data-testid={TEST_IDS.draftStatus} data-status={state.status}>
          {state.status === 'drafting' && state.model ? `Drafting with ${state.model.name}…` : STATUS_TEXT[state.status]}
        </p>
      )}
      {state.status === 'shadow' && (
        <section className="empty" data-testid={TEST_IDS.shadowNote}>
          <p>{state.message}</p>
        </section>
      )}
      {state.status === 'on-request' && (
        <section className="empty">
          <p>{state.model ? `Drafts come from ${state.model.name} when you ask, so no ticket is sent until you do.` : 'Drafts are made when you ask.'}</p>
          <button
            type="button"
            className="primary"
            data-testid={TEST_IDS.requestDraft}
            disabled={busy}
            onClick={() => void act(() => request({ type: 'request-draft' }))}
          >
            Draft a reply
          </button>
        </section>
      )}

      {state.ticket && <TicketSummary ticket={state.ticket} />}

      {state.ticket?.helpdesk === 'generic' && (
        <p className="notice" data-testid={TEST_IDS.genericFallback}>
          Read with the generic reader: this site has no dedicated adapter, so the whole page is treated as the
          customer&apos;s message. Check the draft against the ticket.
        </p>
      )}
      {state.message && state.status !== 'no-ticket' && state.status !== 'no-ai' && state.status !== 'shadow' && (
        <p className={state.status === 'error' ? 'alert' : 'notice'} role="alert" data-testid={TEST_IDS.draftError}>
          {state.message}
        </p>
      )}
      {state.ticket && !draft && state.message && state.status !== 'shadow' && (
        <button type="button" onClick={() => void act(() => request({ type: 'refresh' }))} disabled={busy}>
          Draft again
        </button>
      )}

      {!draft && streamText !== null && (
        <section className="draft" aria-label="Suggested reply, still being written" aria-busy="true">
          <div className="draft__head">
            <h2>Suggested reply</h2>
            <span className="muted">writing…</span>
          </div>
          <p className="draft__text draft__text--streaming" data-testid={TEST_IDS.draftStreaming} aria-live="polite">
            {streamText}
          </p>
        </section>
      )}

      {draft && (
        <section className="draft" aria-label="Suggested reply">
          <div className="draft__head">
            <h2>Suggested reply</h2>
            <ConfidenceBadge confidence={draft.confidence} review={draft.policy === 'review'} />
          </div>
          {draft.injection.suspected && (
            <div className="alert" role="alert" data-testid={TEST_IDS.injectionWarning}>
              <strong>This ticket may try to steer the copilot.</strong> Confidence is capped at low; read the ticket yourself.
              <ul>
                {draft.injection.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </div>
          )}
          {draft.policy === 'review' && (
            <p className="notice">Review policy: {draft.policyReasons[0] ?? 'this topic needs a second look.'} Insert asks you to confirm.</p>
          )}
          {draft.fallback && (
            <p className="notice" role="status" data-testid={TEST_IDS.fallbackBanner} data-kind={draft.fallback.kind}>
              {draft.fallback.message}
            </p>
          )}
          {draft.needsHuman && <p className="notice">Low confidence: check every fact before you send.</p>}
          <DraftText
            text={draft.text}
            onCite={(marker) => {
              setCited({ draftId: draft.draftId, marker });
              document.getElementById(`source-${marker}`)?.scrollIntoView({ block: 'nearest' });
            }}
          />
          <div className="actions">
            <button
              type="button"
              className="primary"
              data-testid={TEST_IDS.insertDraft}
              disabled={busy}
              onClick={() =>
                draft.policy === 'review' ? setConfirming(draft.draftId) : void act(() => request({ type: 'insert', draftId: draft.draftId }))
              }
            >
              Insert and edit
            </button>
            <button type="button" data-testid={TEST_IDS.copyDraft} disabled={busy} onClick={() => void onCopy()}>
              Copy
            </button>
            <button
              type="button"
              data-testid={TEST_IDS.regenerate}
              disabled={busy}
              onClick={() => void act(() => request({ type: 'regenerate', draftId: draft.draftId }))}
            >
              Regenerate
            </button>
            <button
              type="button"
              className="quiet"
              data-testid={TEST_IDS.dismissDraft}
              disabled={busy}
              onClick={() => void act(() => request({ type: 'dismiss', draftId: draft.draftId }))}
            >
              Dismiss
            </button>
          </div>
          {state.model && draft.policy !== 'template-only' && (
            <div className="actions actions--rewrite" role="group" aria-label="Rewrite this draft">
              {REWRITES.map(([kind, label, testId]) => (
                <button
                  key={kind}
                  type="button"
                  className="quiet"
                  data-testid={testId}
                  disabled={busy}
                  onClick={() => void act(() => request({ type: 'rewrite', draftId: draft.draftId, kind }))}
                >
                  {label}
                </button>
              ))}
            </div>
          )}
          <p className="muted small" data-testid={TEST_IDS.draftMeta}>
            {draftMeta(draft)}
          </p>
          {confirming === draft.draftId && (
            <div className="confirm" role="alertdialog" aria-label="Confirm insert">
              <p>
                This ticket is about {draft.policyReasons.length > 0 ? 'a topic your team reviews' : 'billing or refunds'}: check
                amounts, dates and promises before the customer sees them.
              </p>
              <div className="actions">
                <button
                  type="button"
                  className="primary"
                  data-testid={TEST_IDS.reviewConfirm}
                  onClick={() => {
                    setConfirming(null);
                    void act(() => request({ type: 'insert', draftId: draft.draftId }));
                  }}
                >
                  I have checked it — insert
                </button>
                <button type="button" data-testid={TEST_IDS.reviewCancel} onClick={() => setConfirming(null)}>
                  Cancel
                </button>
              </div>
            </div>
          )}
          {outcome && outcome.outcome !== 'pending' && (
            <p className="muted" data-testid={TEST_IDS.draftOutcome} data-outcome={outcome.outcome}>
              {OUTCOME_TEXT[outcome.outcome]}
              {outcome.editRatio !== null ? ` (${Math.round(outcome.editRatio * 100)}% changed)` : ''}
            </p>
          )}
          {status?.message && (
            <p className={status.ok ? 'ok' : 'alert'} role="status" data-testid={TEST_IDS.actionStatus}>
              {status.message}
            </p>
          )}
          <FeedbackBar key={draft.draftId} current={thumb} onRate={onRate} />
          <details className="why" open>
            <summary>Why this?</summary>
            <ul className="reasons-list">
              {draft.confidence.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
            <SourceList sources={draft.sources} highlighted={highlighted} />
          </details>
          <details className="why" data-testid={TEST_IDS.outboundPreview} data-sent={draft.outbound.sent ? 'true' : 'false'}>
            <summary>What leaves this browser</summary>
            <p className="muted">{draft.outbound.note}</p>
            <pre className="outbound">{draft.outbound.text}</pre>
          </details>
        </section>
      )}

      {state.tabId !== null && state.status !== 'waiting' && (
        <details className="tools">
          <summary>Page not read right?</summary>
          <p className="muted">
            Save the page&apos;s structure with every letter replaced by x and every digit by 0 — no customer data — and attach
            it to a bug report. Selector overrides for this site are in Options.
          </p>
          <button type="button" data-testid={TEST_IDS.saveSnapshot} disabled={busy} onClick={() => void onSnapshot()}>
            Save page snapshot
          </button>
          {snapshotStatus && (
            <p className={snapshotStatus.ok ? 'ok' : 'alert'} role="status">
              {snapshotStatus.message}
            </p>
          )}
        </details>
      )}

      <AcceptanceFooter stats={stats} agentId={agentId} pilot={state.pilot} />
    </main>
  );
}
