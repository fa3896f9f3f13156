import { useState, type DragEvent } from 'react';
import { IMPORT_EXTENSIONS, type ImportIssue } from '../lib/kb/import/index';
import type { KbEntrySummary, KbStats } from '../lib/kb/store';
import { TEST_IDS } from '../lib/testids';

export type KbKindFilter = 'all' | 'article' | 'macro';

export interface KbManagerProps {
  busy: boolean;
  progress: { value: number; label: string; done: boolean } | null;
  summary: { imported: number; files: number; errors: readonly ImportIssue[]; notes: readonly ImportIssue[] } | null;
  message: { ok: boolean; text: string } | null;
  url: string;
  urlGranted: boolean;
  urlOrigin: string | null;
  urlProblem: string | null;
  entries: readonly KbEntrySummary[] | null;
  total: number;
  page: number;
  pages: number;
  pageSize: number;
  query: string;
  kind: KbKindFilter;
  stats: KbStats | null;
  onFiles: (files: readonly File[]) => void;
  onUrlChange: (url: string) => void;
  onImportUrl: () => void;
  onQueryChange: (query: string) => void;
  onKindChange: (kind: KbKindFilter) => void;
  onPage: (page: number) => void;
  onDelete: (id: string, title: string) => void;
}

const KIND_LABEL: Record<KbEntrySummary['kind'], string> = { article: 'article', macro: 'canned response' };

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** `file:line — message`, the way every import problem is listed. */
export function formatIssue(issue: ImportIssue): string {
  return `${issue.file}${issue.line === undefined ? '' : `:${issue.line}`} — ${issue.message}`;
}

function IssueList({ issues, testId, className }: { issues: readonly ImportIssue[]; testId: string; className: string }) {
  if (issues.length === 0) return null;
  return (
    <ul className={className} data-testid={testId}>
      {issues.map((issue, i) => (
        <li key={`${issue.file}:${issue.line ?? ''}:${i}`}>{formatIssue(issue)}</li>
      ))}
    </ul>
  );
}

function KindSelect({ value, onChange }: { value: KbKindFilter; onChange: (kind: KbKindFilter) => void }) {
  return (
    <select
      data-testid={TEST_IDS.kbKindFilter}
      aria-label="Show"
      value={value}
      onChange={(e) => {
        const next = e.target.value;
        if (next === 'all' || next === 'article' || next === 'macro') onChange(next);
      }}
    >
      <option value="all">All entries</option>
      <option value="article">Articles</option>
      <option value="macro">Canned responses</option>
    </select>
  );
}

function EntryRow({ entry, confirming, busy, onAsk, onCancel, onDelete }: {
  entry: KbEntrySummary;
  confirming: boolean;
  busy: boolean;
  onAsk: () => void;
  onCancel: () => void;
  onDelete: () => void;
}) {
  return (
    <li className="kb__entry" data-testid={TEST_IDS.kbEntry} data-id={entry.id}>
      <div className="kb__entry-main">
        <span className="kb__entry-title">
          {entry.url ? (
            <a href={entry.url} target="_blank" rel="noreferrer noopener">
              {entry.title}
            </a>
          ) : (
            entry.title
          )}
        </span>{' '}
        <span className="source__kind" data-kind={entry.kind}>
          {KIND_LABEL[entry.kind]}
        </span>{' '}
        <span className="source__kind" title="Language">
          {entry.language}
        </span>
        <div className="kb__entry-meta muted">
          <code>{entry.id}</code> · from {entry.source}
          {entry.tags.length > 0 && <> · {entry.tags.join(', ')}</>}
        </div>
      </div>
      {confirming ? (
        <span className="kb__confirm" role="group" aria-label={`Delete ${entry.title}?`}>
          Delete this entry?{' '}
          <button type="button" className="danger" data-testid={TEST_IDS.kbDeleteConfirm} disabled={busy} onClick={onDelete}>
            Delete
          </button>{' '}
          <button type="button" className="quiet" data-testid={TEST_IDS.kbDeleteCancel} onClick={onCancel}>
            Keep
          </button>
        </span>
      ) : (
        <button type="button" className="quiet" data-testid={TEST_IDS.kbDelete} disabled={busy} onClick={onAsk}>
          Delete
        </button>
      )}
    </li>
  );
}

/**
 * Options → Knowledge base: import files (drop or pick) and web pages with a progress bar and a
 * summary of what failed where, then browse, search and delete the entries.
 */
export function KbManager(props: KbManagerProps) {
  const [dragging, setDragging] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const { stats, summary, progress } = props;

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    const files = Array.from(e.dataTransfer.files);
    if (files.length > 0 && !props.busy) props.onFiles(files);
  };

  return (
    <div className="kb">
      <p data-testid={TEST_IDS.kbStats}>
        {stats ? (
          <>
            {count(stats.docs, 'entry', 'entries')} ({count(stats.articles, 'article', 'articles')},{' '}
            {count(stats.macros, 'canned response', 'canned responses')}) in {count(stats.chunks, 'passage', 'passages')}.
          </>
        ) : (
          'Loading…'
        )}{' '}
        <span className="muted">
          Knowledge base version <span data-testid={TEST_IDS.kbVersion}>{stats?.version ?? 0}</span>
        </span>
      </p>

      <div
        className={`kb__drop${dragging ? ' kb__drop--over' : ''}`}
        data-testid={TEST_IDS.kbDropZone}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>
          <strong>Drop files here</strong> or{' '}
          <label className="kb__pick">
            choose files
            <input
              type="file"
              className="kb__file"
              data-testid={TEST_IDS.kbFileInput}
              multiple
              accept={IMPORT_EXTENSIONS.join(',')}
              disabled={props.busy}
              onChange={(e) => {
                const files = Array.from(e.target.files ?? []);
                e.target.value = '';
                if (files.length > 0) props.onFiles(files);
              }}
            />
          </label>
        </p>
        <p className="muted">
          Markdown, plain text and saved web pages become articles; a CSV with the columns title, body and tags becomes canned
          responses; a Zendesk Help Center articles export (.json) and KB JSON Lines are read as they are. Importing an entry
          with the same id again updates it.
        </p>
      </div>

      {progress && (
        <div className="kb__progress">
          <progress data-testid={TEST_IDS.kbProgress} value={Math.round(progress.value)} max={100} data-done={progress.done ? 'true' : 'false'} />
          <span data-testid={TEST_IDS.kbProgressLabel} aria-live="polite">
            {progress.label}
          </span>
        </div>
      )}

      {summary && (
        <div className="kb__summary" role="status" data-testid={TEST_IDS.kbImportSummary} data-imported={summary.imported}>
          <p className={summary.imported > 0 ? 'ok' : 'alert'}>
            {summary.imported > 0
              ? `Imported ${count(summary.imported, 'entry', 'entries')} from ${count(summary.files, 'file', 'files')}.`
              : `Nothing was imported from ${count(summary.files, 'file', 'files')}.`}
            {summary.errors.length > 0 &&
              ` ${count(summary.errors.length, 'problem needs', 'problems need')} fixing; fix ${summary.errors.length === 1 ? 'it' : 'them'} and import the file again (entries already imported are updated, not doubled):`}
          </p>
          <IssueList issues={summary.errors} testId={TEST_IDS.kbImportErrors} className="kb__issues alert" />
          <IssueList issues={summary.notes} testId={TEST_IDS.kbImportNotes} className="kb__issues notice" />
        </div>
      )}

      <form
        className="kb__url"
        onSubmit={(e) => {
          e.preventDefault();
          props.onImportUrl();
        }}
      >
        <label>
          Import a web page
          <br />
          <input
            type="url"
            inputMode="url"
            placeholder="https://help.example.com/article"
            data-testid={TEST_IDS.kbUrl}
            value={props.url}
            onChange={(e) => props.onUrlChange(e.target.value)}
          />
        </label>{' '}
        <button type="submit" className="primary" data-testid={TEST_IDS.kbUrlImport} disabled={props.busy}>
          Import page
        </button>
        {props.urlOrigin && (
          <p className="muted" data-testid={TEST_IDS.kbUrlAccess} data-granted={props.urlGranted ? 'true' : 'false'}>
            {props.urlGranted
              ? `The copilot may read ${props.urlOrigin}.`
              : `Your browser will ask you to let the copilot read ${props.urlOrigin}; only that site.`}
          </p>
        )}
        {props.urlProblem && <p className="muted">{props.urlProblem}</p>}
      </form>

      {props.message && (
        <p className={props.message.ok ? 'ok' : 'alert'} role="status" data-testid={TEST_IDS.kbMessage}>
          {props.message.text}
        </p>
      )}

      <div className="kb__filter">
        <input
          type="search"
          placeholder="Search titles, ids and tags"
          aria-label="Search the knowledge base"
          data-testid={TEST_IDS.kbSearch}
          value={props.query}
          onChange={(e) => props.onQueryChange(e.target.value)}
        />{' '}
        <KindSelect value={props.kind} onChange={props.onKindChange} />
      </div>

      {props.entries === null ? (
        <p className="muted">Loading…</p>
      ) : props.entries.length === 0 ? (
        <p className="muted" data-testid={TEST_IDS.kbEntryCount}>
          {props.query.trim() || props.kind !== 'all'
            ? 'No entry matches. Try fewer letters or another filter.'
            : 'The knowledge base is empty. Import files above.'}
        </p>
      ) : (
        <>
          <p className="muted" data-testid={TEST_IDS.kbEntryCount}>
            {count(props.total, 'entry', 'entries')}
            {props.pages > 1 && `, ${props.page * props.pageSize + 1}–${Math.min(props.total, (props.page + 1) * props.pageSize)} shown`}
            , newest first.
          </p>
          <ul className="kb__list">
            {props.entries.map((entry) => (
              <EntryRow
                key={entry.id}
                entry={entry}
                busy={props.busy}
                confirming={confirming === entry.id}
                onAsk={() => setConfirming(entry.id)}
                onCancel={() => setConfirming(null)}
                onDelete={() => {
                  setConfirming(null);
                  props.onDelete(entry.id, entry.title);
                }}
              />
            ))}
          </ul>
          {props.pages > 1 && (
            <nav className="kb__pager" aria-label="Knowledge base pages">
              <button type="button" data-testid={TEST_IDS.kbPrevPage} disabled={props.page === 0} onClick={() => props.onPage(props.page - 1)}>
                ‹ Previous
              </button>
              <span>
                Page {props.page + 1} of {props.pages}
              </span>
              <button
                type="button"
                data-testid={TEST_IDS.kbNextPage}
                disabled={props.page + 1 >= props.pages}
                onClick={() => props.onPage(props.page + 1)}
              >
                Next ›
              </button>
            </nav>
          )}
        </>
      )}
    </div>
  );
}
