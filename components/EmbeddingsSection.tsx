import { TEST_IDS } from '../lib/testids';

export interface EmbeddingsSectionProps {
  /** Whether a model provider is saved (embeddings use its server and key). */
  configured: boolean;
  enabled: boolean;
  model: string;
  busy: boolean;
  running: boolean;
  progress: { value: number; label: string; done: boolean } | null;
  /** Passages with a current vector of the saved model, of all passages. */
  coverage: { current: number; total: number; model: string } | null;
  message: { ok: boolean; text: string } | null;
  onEnabled: (enabled: boolean) => void;
  onModel: (model: string) => void;
  onSave: () => void;
  onEmbed: () => void;
  onCancel: () => void;
}

/** Options → Model → Embeddings: the switch, the embedding model, and embedding the KB with progress. */
export function EmbeddingsSection(props: EmbeddingsSectionProps) {
  const { coverage, progress } = props;
  return (
    <div className="embeddings">
      <h3>Embeddings</h3>
      <p className="muted">
        Off by default. When on, passages are also ranked by meaning, using the same server&apos;s <code>/embeddings</code>, and
        that ranking is blended with the word match. Each ticket&apos;s masked text is sent to the server to be embedded.
      </p>
      {!props.configured && <p className="muted">Save the model settings above first: embeddings use the same server and key.</p>}
      <label style={{ display: 'block' }}>
        <input
          type="checkbox"
          data-testid={TEST_IDS.settingsEmbeddings}
          checked={props.enabled}
          disabled={!props.configured}
          onChange={(e) => props.onEnabled(e.target.checked)}
        />{' '}
        Rank passages by meaning too (hybrid retrieval)
      </label>
      <label>
        Embedding model (for Azure: the deployment)
        <br />
        <input
          data-testid={TEST_IDS.settingsEmbeddingModel}
          value={props.model}
          placeholder="text-embedding-3-small"
          disabled={!props.configured}
          spellCheck={false}
          onChange={(e) => props.onModel(e.target.value)}
        />
      </label>
      <div className="actions">
        <button type="button" data-testid={TEST_IDS.settingsEmbeddingsSave} disabled={!props.configured || props.busy} onClick={props.onSave}>
          Save
        </button>
        <button type="button" className="primary" data-testid={TEST_IDS.kbEmbed} disabled={!props.configured || props.busy || !props.model.trim()} onClick={props.onEmbed}>
          Embed knowledge base
        </button>
        {props.running && (
          <button type="button" data-testid={TEST_IDS.kbEmbedCancel} onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
      {coverage && (
        <p className="muted" data-testid={TEST_IDS.kbEmbedStatus} data-current={coverage.current} data-total={coverage.total}>
          {coverage.total === 0
            ? 'The knowledge base is empty.'
            : `${coverage.current.toLocaleString('en')} of ${coverage.total.toLocaleString('en')} passages have vectors from “${coverage.model}”.`}
          {coverage.current < coverage.total && coverage.total > 0 ? ' New and changed passages are found by words only until you embed again.' : ''}
        </p>
      )}
      {progress && (
        <div className="kb__progress">
          <progress data-testid={TEST_IDS.kbEmbedProgress} value={Math.round(progress.value)} max={100} data-done={progress.done ? 'true' : 'false'} />
          <span data-testid={TEST_IDS.kbEmbedProgressLabel} aria-live="polite">
            {progress.label}
          </span>
        </div>
      )}
      {props.message && (
        <p className={props.message.ok ? 'ok' : 'alert'} role="status" data-testid={TEST_IDS.embeddingsMessage}>
          {props.message.text}
        </p>
      )}
    </div>
  );
}
