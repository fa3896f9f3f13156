import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo, useState } from 'react';
import { browser } from 'wxt/browser';
import { useOriginAccess } from './useOriginAccess';
import type { KbKindFilter } from '../../components/KbManager';
import { importHtml } from '../../lib/kb/import/html';
import { importFile, latestBySource, type ImportEnv, type ImportIssue } from '../../lib/kb/import/index';
import type { KbDoc } from '../../lib/kb/schema';
import { deleteDocs, kbStats, listDocs, upsertInBatches } from '../../lib/kb/store';
import { FetchPageReply, type FetchPageRequest } from '../../lib/messages';
import { db } from '../../lib/platform/database';
import { SiteAddressError, sitePattern } from '../../lib/sites/hosted';

/** Entries per page of the list. */
export const KB_PAGE_SIZE = 20;
/** Larger files are refused before reading: the KB holds articles, not archives. */
export const MAX_IMPORT_FILE_BYTES = 50 * 1024 * 1024;
/** The share of the progress bar for reading and parsing files; indexing gets the rest. */
const READ_SHARE = 20;

export interface KbProgress {
  /** 0–100 across reading, parsing and indexing. */
  value: number;
  label: string;
  done: boolean;
}

export interface KbImportSummary {
  imported: number;
  files: number;
  errors: ImportIssue[];
  notes: ImportIssue[];
}

const htmlEnv: ImportEnv = { parseHtml: (html) => new DOMParser().parseFromString(html, 'text/html') };

/** Let the browser paint the progress bar between steps. */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type UrlTarget = { href: string; pattern: string } | { problem: string } | null;

/** What the URL field holds: an address and its permission pattern, or why it is not one. */
function urlTarget(raw: string): UrlTarget {
  const trimmed = raw.trim();
  if (!trimmed) return null;
  try {
    const href = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`).href;
    return { href, pattern: sitePattern(href) };
  } catch (error) {
    return {
      problem:
        error instanceof SiteAddressError ? error.message : `"${trimmed}" is not a web address. Type it as https://help.example.com/article.`,
    };
  }
}

/**
 * The state behind Options → Knowledge base: importing files and web pages with progress, the
 * searchable list of entries, deleting, and the KB version. It writes to Dexie through
 * lib/kb/store.ts; the background notices the new KB version and reloads by itself.
 */
export function useKb() {
  const [query, setQueryState] = useState('');
  const [kind, setKindState] = useState<KbKindFilter>('all');
  const [page, setPage] = useState(0);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<KbProgress | null>(null);
  const [summary, setSummary] = useState<KbImportSummary | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [url, setUrl] = useState('');

  const list = useLiveQuery(
    () => listDocs(db, { query, ...(kind === 'all' ? {} : { kind }), offset: page * KB_PAGE_SIZE, limit: KB_PAGE_SIZE }),
    [query, kind, page],
  );
  const stats = useLiveQuery(() => kbStats(db), []);

  const target = useMemo(() => urlTarget(url), [url]);
  const pattern = target && 'pattern' in target ? target.pattern : null;
  // Checked when the field changes, so a click can ask at once: a prompt needs the user gesture,
  // which an `await` before it may lose.
  const { granted: urlAccess, markGranted } = useOriginAccess(pattern);
  const urlGranted = urlAccess === true;

  const setQuery = (value: string) => {
    setQueryState(value);
    setPage(0);
  };
  const setKind = (value: KbKindFilter) => {
    setKindState(value);
    setPage(0);
  };

  /** Write entries in batches, moving the bar from `from` to 100. Returns how many were written. */
  const index = async (groups: ReadonlyMap<string, KbDoc[]>, from: number): Promise<{ written: number; error: string | null }> => {
    const { written, total, error } = await upsertInBatches(db, groups, async (done, all) => {
      setProgress({ value: from + ((100 - from) * done) / all, label: `Indexing ${done.toLocaleString('en')} of ${plural(all, 'entry', 'entries')}…`, done: false });
      await nextFrame();
    });
    if (error === null) return { written, error: null };
    return {
      written,
      error: `Saving stopped after ${plural(written, 'entry', 'entries')} of ${total.toLocaleString('en')} (${describeError(error)}). The entries saved so far are in the knowledge base; free some disk space or import fewer files at once, then import the rest again.`,
    };
  };

  const importFiles = async (files: readonly File[]) => {
    if (busy || files.length === 0) return;
    setBusy(true);
    setSummary(null);
    setMessage(null);
    const errors: ImportIssue[] = [];
    const notes: ImportIssue[] = [];
    const read: { source: string; docs: KbDoc[] }[] = [];
    try {
      for (const [i, file] of files.entries()) {
        setProgress({ value: (READ_SHARE * i) / files.length, label: `Reading ${file.name} (${i + 1} of ${files.length})…`, done: false });
        await nextFrame();
        if (file.size > MAX_IMPORT_FILE_BYTES) {
          errors.push({ file: file.name, message: 'The file is larger than 50 MB, so it was not read. Split it into smaller files and import those.' });
          continue;
        }
        let text: string;
        try {
          text = await file.text();
        } catch (error) {
          errors.push({ file: file.name, message: `The file could not be read (${describeError(error)}). Check that it still exists and that you may open it, then import it again.` });
          continue;
        }
        const result = importFile({ name: file.name, text }, htmlEnv);
        errors.push(...result.errors);
        notes.push(...(result.notes ?? []));
        read.push({ source: file.name, docs: result.docs });
      }
      const { written, error } = await index(latestBySource(read), READ_SHARE);
      if (error) errors.push({ file: 'knowledge base', message: error });
      setProgress({ value: 100, label: written > 0 ? `Imported ${plural(written, 'entry', 'entries')}.` : 'Nothing was imported.', done: true });
      setSummary({ imported: written, files: files.length, errors, notes });
    } finally {
      setBusy(false);
    }
  };

  const importUrl = () => {
    // Ask first: the permission prompt needs the click's user gesture.
    const permission = pattern && !urlGranted ? browser.permissions.request({ origins: [pattern] }) : null;
    if (!target || 'problem' in target) {
      setMessage({ ok: false, text: target ? target.problem : 'Type the address of the web page to import, for example https://help.example.com/article.' });
      return;
    }
    const { href } = target;
    const origin = target.pattern.replace(/\/\*$/, '');
    void (async () => {
      setBusy(true);
      setMessage(null);
      setSummary(null);
      try {
        let granted: boolean;
        try {
          granted = permission ? await permission : true;
        } catch (error) {
          setMessage({ ok: false, text: `The browser could not ask for access to ${origin} (${describeError(error)}). Save the page as a file and import the file instead.` });
          return;
        }
        if (!granted) {
          setMessage({ ok: false, text: `The copilot may not read ${origin}. Import again and choose Allow, or save the page as a file and import the file.` });
          return;
        }
        markGranted(target.pattern);
        setProgress({ value: 10, label: `Fetching ${href}…`, done: false });
        const request: FetchPageRequest = { type: 'kb/fetch-url', url: href };
        let raw: unknown;
        try {
          raw = await browser.runtime.sendMessage(request);
        } catch (error) {
          setProgress(null);
          setMessage({ ok: false, text: `The extension's background did not answer (${describeError(error)}). Reload this page and try again.` });
          return;
        }
        const reply = FetchPageReply.safeParse(raw);
        if (!reply.success) {
          setProgress(null);
          setMessage({ ok: false, text: "The extension's background gave no usable answer. Reload this page and try again." });
          return;
        }
        if (!reply.data.ok) {
          setProgress({ value: 100, label: 'Nothing was imported.', done: true });
          setSummary({ imported: 0, files: 1, errors: [{ file: href, message: reply.data.message }], notes: [] });
          return;
        }
        setProgress({ value: READ_SHARE, label: 'Reading the page…', done: false });
        await nextFrame();
        const finalUrl = reply.data.finalUrl || href;
        const result = importHtml({ name: finalUrl, text: reply.data.html }, htmlEnv, { url: finalUrl });
        const { written, error } = await index(new Map([[finalUrl, result.docs]]), READ_SHARE);
        const errors = error ? [...result.errors, { file: finalUrl, message: error }] : result.errors;
        setProgress({ value: 100, label: written > 0 ? `Imported “${result.docs[0]?.title ?? finalUrl}”.` : 'Nothing was imported.', done: true });
        setSummary({ imported: written, files: 1, errors, notes: result.notes ?? [] });
        if (written > 0) setUrl('');
      } finally {
        setBusy(false);
      }
    })();
  };

  const deleteEntry = async (id: string, title: string) => {
    try {
      await deleteDocs(db, [id]);
      setMessage({ ok: true, text: `Deleted “${title}”. Drafts stop citing it from the next ticket on.` });
      if (list && list.entries.length === 1 && page > 0) setPage(page - 1);
    } catch (error) {
      setMessage({ ok: false, text: `“${title}” could not be deleted (${describeError(error)}). Reload this page and try again.` });
    }
  };

  const total = list?.total ?? 0;
  return {
    busy,
    progress,
    summary,
    message,
    url,
    urlGranted,
    urlOrigin: pattern ? pattern.replace(/\/\*$/, '') : null,
    urlProblem: target && 'problem' in target ? target.problem : null,
    entries: list?.entries ?? null,
    total,
    page,
    pages: Math.max(1, Math.ceil(total / KB_PAGE_SIZE)),
    pageSize: KB_PAGE_SIZE,
    query,
    kind,
    stats: stats ?? null,
    onFiles: (files: readonly File[]) => void importFiles(files),
    onUrlChange: setUrl,
    onImportUrl: importUrl,
    onQueryChange: setQuery,
    onKindChange: setKind,
    onPage: (next: number) => setPage(Math.max(0, next)),
    onDelete: (id: string, title: string) => void deleteEntry(id, title),
  };
}

export type KbState = ReturnType<typeof useKb>;
