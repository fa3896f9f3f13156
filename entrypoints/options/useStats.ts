import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import { exportCsv, exportFileName, exportNdjson } from '../../lib/feedback/export';
import { describeImport, importEventFiles } from '../../lib/feedback/merge';
import { ensureOutcomeRows, readOutcomeRows, type OutcomeFilter } from '../../lib/feedback/outcome-rows';
import { countEventsOlderThan, deleteEventsOlderThan } from '../../lib/feedback/recorder';
import { buildStatsView, type StatsView } from '../../lib/feedback/stats-view';
import { db } from '../../lib/platform/database';
import { ANY, NONE, type StatsFilters, type StatsSectionProps } from '../../components/StatsSection';

export interface RetentionPrompt {
  days: number;
  count: number;
  cutoff: string;
}

const EMPTY_FILTERS: StatsFilters = { from: '', to: '', agent: ANY, helpdesk: ANY, cohort: ANY, variant: ANY };

/** Local midnight of a `YYYY-MM-DD` day (the date inputs' value), or null. */
function dayStart(day: string, offsetDays = 0): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + offsetDays).getTime();
}

export function rangeOf(filters: StatsFilters): { fromMs: number | null; toMs: number | null } {
  return { fromMs: dayStart(filters.from), toMs: dayStart(filters.to, 1) };
}

function nullable(value: string): string | null {
  return value === NONE ? null : value;
}

export function outcomeFilterOf(filters: StatsFilters): OutcomeFilter {
  return {
    ...rangeOf(filters),
    agentIds: filters.agent === ANY ? [] : [filters.agent],
    helpdesks: filters.helpdesk === ANY ? [] : [filters.helpdesk],
    cohorts: filters.cohort === ANY ? [] : [nullable(filters.cohort)],
    variants: filters.variant === ANY ? [] : [nullable(filters.variant)],
  };
}

function download(parts: BlobPart[], type: string, name: string): void {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

export function useStats(): StatsSectionProps {
  const [filters, setFilters] = useState<StatsFilters>(EMPTY_FILTERS);
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [importLines, setImportLines] = useState<{ ok: boolean; lines: string[] } | null>(null);
  const [retentionDays, setRetentionDays] = useState('90');
  const [retentionPrompt, setRetentionPrompt] = useState<RetentionPrompt | null>(null);
  const [storage, setStorage] = useState<{ usage: number; quota: number } | null>(null);

  // Events recorded before per-draft rows existed get their rows once; then the recorder keeps them.
  useEffect(() => {
    let live = true;
    ensureOutcomeRows(db)
      .catch((error: unknown) => setMessage({ ok: false, text: `The numbers could not be prepared: ${errorText(error)}` }))
      .finally(() => {
        if (live) setReady(true);
      });
    return () => {
      live = false;
    };
  }, []);

  const range = rangeOf(filters);
  // Re-read whenever an outcome row changes (a new event, an import, a retention delete).
  const rows = useLiveQuery(() => (ready ? readOutcomeRows(db, range) : undefined), [ready, range.fromMs, range.toMs]);
  const view: StatsView | null = useMemo(() => (rows ? buildStatsView(rows, outcomeFilterOf(filters)) : null), [rows, filters]);

  const refreshStorage = () => {
    if (typeof navigator === 'undefined' || !navigator.storage?.estimate) return;
    void navigator.storage
      .estimate()
      .then((e) => setStorage(e.usage !== undefined && e.quota !== undefined ? { usage: e.usage, quota: e.quota } : null))
      .catch(() => setStorage(null));
  };
  useEffect(refreshStorage, [rows]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setMessage(null);
    try {
      await work();
    } catch (error) {
      setMessage({ ok: false, text: errorText(error) });
    } finally {
      setBusy(false);
    }
  };

  const exportEvents = () =>
    run(async () => {
      const { parts, events } = await exportNdjson(db, range);
      if (events === 0) {
        setMessage({ ok: false, text: 'No events in this date range, so there is nothing to export. Widen the range.' });
        return;
      }
      download(parts, 'application/x-ndjson', exportFileName('events', range));
      setMessage({ ok: true, text: `Exported ${plural(events, 'event')} as NDJSON.` });
    });

  const exportDrafts = () =>
    run(async () => {
      const { text, drafts } = await exportCsv(db, range);
      if (drafts === 0) {
        setMessage({ ok: false, text: 'No drafts were shown in this date range, so there is nothing to export. Widen the range.' });
        return;
      }
      download([text], 'text/csv', exportFileName('drafts', range));
      setMessage({ ok: true, text: `Exported ${plural(drafts, 'draft')} as CSV.` });
    });

  const importFiles = (files: readonly File[]) =>
    run(async () => {
      setImportLines(null);
      if (files.length === 0) return;
      const texts = await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() })));
      const result = await importEventFiles(db, texts);
      setImportLines({ ok: result.error === null && result.problems.length === 0 && result.refused.length === 0, lines: describeImport(result) });
    });

  const askRetention = () =>
    run(async () => {
      const days = Number(retentionDays);
      if (!Number.isInteger(days) || days < 1) {
        setMessage({ ok: false, text: 'Enter a whole number of days, 1 or more, to keep.' });
        return;
      }
      const { deleted, cutoff } = await countEventsOlderThan(db, days);
      if (deleted === 0) {
        setMessage({ ok: true, text: `No events are older than ${plural(days, 'day')}; nothing to delete.` });
        return;
      }
      setRetentionPrompt({ days, count: deleted, cutoff });
    });

  const confirmRetention = () =>
    run(async () => {
      const prompt = retentionPrompt;
      setRetentionPrompt(null);
      if (!prompt) return;
      const { deleted, cutoff } = await deleteEventsOlderThan(db, prompt.days);
      setMessage({ ok: true, text: `Deleted ${plural(deleted, 'event')} recorded before ${new Date(cutoff).toLocaleString()}.` });
    });

  return {
    filters,
    setFilters,
    resetFilters: () => setFilters(EMPTY_FILTERS),
    view,
    busy,
    message,
    importLines,
    storage,
    retentionDays,
    setRetentionDays,
    retentionPrompt,
    exportEvents: () => void exportEvents(),
    exportDrafts: () => void exportDrafts(),
    importFiles: (files: readonly File[]) => void importFiles(files),
    askRetention: () => void askRetention(),
    confirmRetention: () => void confirmRetention(),
    cancelRetention: () => setRetentionPrompt(null),
  };
}

