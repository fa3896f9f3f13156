import type { DraftSource } from '../lib/drafting/schema';
import { TEST_IDS } from '../lib/testids';

function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** "Why this?": the numbered passages the draft cites. */
export function SourceList({ sources, highlighted }: { sources: readonly DraftSource[]; highlighted: number | null }) {
  if (sources.length === 0) return <p className="muted">No source matched this ticket.</p>;
  return (
    <ol className="sources">
      {sources.map((s) => {
        const href = safeHref(s.url);
        return (
          <li
            key={s.marker}
            id={`source-${s.marker}`}
            className={`source${highlighted === s.marker ? ' source--highlighted' : ''}`}
            data-testid={TEST_IDS.source}
            data-marker={s.marker}
          >
            <div className="source__title">
              <span className="source__marker">[{s.marker}]</span>{' '}
              {href ? (
                <a href={href} target="_blank" rel="noreferrer noopener">
                  {s.title}
                </a>
              ) : (
                s.title
              )}{' '}
              <span className="source__kind">{s.kind === 'macro' ? 'canned response' : 'article'}</span>
            </div>
            <p className="source__snippet">{s.snippet}</p>
          </li>
        );
      })}
    </ol>
  );
}
