import { useState } from 'react';
import { REASON_CODES, REASON_LABELS, TEST_IDS, reasonTestId, type ReasonCode } from '../lib/testids';

export interface Rating {
  thumb: 'up' | 'down';
  reasons: ReasonCode[];
  comment?: string;
}

/**
 * 👍 / 👎 with reason codes and free text. Every click is recorded at once (a later rating of the
 * same draft replaces the earlier), so nothing is lost if the agent moves on without "Send".
 */
export function FeedbackBar({ current, onRate }: { current: 'up' | 'down' | null; onRate: (rating: Rating) => void }) {
  const [open, setOpen] = useState(false);
  const [reasons, setReasons] = useState<ReasonCode[]>([]);
  const [comment, setComment] = useState('');
  const rateDown = (next: ReasonCode[], text = comment) =>
    onRate({ thumb: 'down', reasons: next, ...(text.trim() ? { comment: text.trim() } : {}) });
  const toggle = (code: ReasonCode) => {
    const next = reasons.includes(code) ? reasons.filter((c) => c !== code) : [...reasons, code];
    setReasons(next);
    rateDown(next);
  };
  return (
    <div className="feedback">
      <div className="feedback__thumbs" role="group" aria-label="Rate this draft">
        <button
          type="button"
          className={`thumb${current === 'up' ? ' thumb--active' : ''}`}
          data-testid={TEST_IDS.thumbsUp}
          aria-pressed={current === 'up'}
          aria-label="Helpful"
          onClick={() => {
            setOpen(false);
            setReasons([]);
            onRate({ thumb: 'up', reasons: [] });
          }}
        >
          👍 Helpful
        </button>
        <button
          type="button"
          className={`thumb${current === 'down' ? ' thumb--active' : ''}`}
          data-testid={TEST_IDS.thumbsDown}
          aria-pressed={current === 'down'}
          aria-expanded={open}
          aria-label="Not helpful"
          onClick={() => {
            setOpen(true);
            rateDown(reasons);
          }}
        >
          👎 Not helpful
        </button>
      </div>
      {open && (
        <fieldset className="feedback__reasons">
          <legend>What was wrong?</legend>
          <div className="reasons">
            {REASON_CODES.map((code) => (
              <button
                key={code}
                type="button"
                className={`reason${reasons.includes(code) ? ' reason--on' : ''}`}
                data-testid={reasonTestId(code)}
                aria-pressed={reasons.includes(code)}
                onClick={() => toggle(code)}
              >
                {REASON_LABELS[code]}
              </button>
            ))}
          </div>
          <textarea
            data-testid={TEST_IDS.reasonComment}
            placeholder="Anything else? (optional)"
            aria-label="Comment"
            value={comment}
            maxLength={2000}
            onChange={(e) => setComment(e.target.value)}
          />
          <button type="button" data-testid={TEST_IDS.submitRating} onClick={() => rateDown(reasons)}>
            Add comment
          </button>
        </fieldset>
      )}
    </div>
  );
}
