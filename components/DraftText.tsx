import { Fragment } from 'react';
import { TEST_IDS } from '../lib/testids';

/**
 * The draft as plain text with its `[n]` markers as citation chips. Nothing is ever rendered as
 * HTML: the text comes from tickets and KB files, which are untrusted.
 */
export function DraftText({ text, onCite }: { text: string; onCite?: (marker: number) => void }) {
  const parts = text.split(/(\[\d{1,3}\])/g);
  return (
    <div className="draft-text" data-testid={TEST_IDS.draftText}>
      {parts.map((part, i) => {
        const m = /^\[(\d{1,3})\]$/.exec(part);
        if (!m) return <Fragment key={i}>{part}</Fragment>;
        const marker = Number(m[1]);
        return (
          <button
            key={i}
            type="button"
            className="citation"
            data-testid={TEST_IDS.citation}
            data-marker={marker}
            aria-label={`Source ${marker}`}
            onClick={() => onCite?.(marker)}
          >
            [{marker}]
          </button>
        );
      })}
    </div>
  );
}
