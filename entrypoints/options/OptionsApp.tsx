import { useEffect, useState } from 'react';
import { agentItem, getAgent } from '../../lib/platform/agent';
import { AgentSettingsSchema, randomAgentId } from '../../lib/settings';
import { TEST_IDS } from '../../lib/testids';
import { SitesSection } from '../../components/SitesSection';
import { useSites } from './useSites';
import { GuardSection } from '../../components/GuardSection';
import { useGuardSettings } from './useGuardSettings';
import { KbManager } from '../../components/KbManager';
import { useKb } from './useKb';
import { OverridesSection } from '../../components/OverridesSection';
import { useOverrides } from './useOverrides';
import { ProviderSection } from '../../components/ProviderSection';
import { useProvider } from './useProvider';
import { EmbeddingsSection } from '../../components/EmbeddingsSection';
import { useEmbeddings } from './useEmbeddings';
import { PilotSection } from '../../components/PilotSection';
import { usePilot } from './usePilot';
import { StatsSection } from '../../components/StatsSection';
import { useStats } from './useStats';
import { DriftNotice } from '../../components/DriftNotice';
import { useDrift } from './useDrift';

export function OptionsApp() {
  const [agentId, setAgentId] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    void getAgent().then((a) => {
      setAgentId(a.agentId);
      setDisplayName(a.displayName);
    });
  }, []);

  const sites = useSites();
  const provider = useProvider();
  const embeddings = useEmbeddings();
  const guard = useGuardSettings();
  const overrideSettings = useOverrides();
  const kb = useKb();
  const pilot = usePilot();
  const stats = useStats();
  const drift = useDrift();

  const save = async () => {
    const parsed = AgentSettingsSchema.safeParse({ agentId, displayName });
    if (!parsed.success) {
      setMessage({ ok: false, text: parsed.error.issues[0]?.message ?? 'Check the agent id and name.' });
      return;
    }
    await agentItem.setValue(parsed.data);
    setMessage({ ok: true, text: 'Saved. New events carry this agent id.' });
  };

  return (
    <main className="panel">
      <header className="panel__header">
        <h1>Ticket Copilot – Options</h1>
      </header>
      <section className="draft" aria-labelledby="agent-heading">
        <h2 id="agent-heading">You</h2>
        <p className="muted">
          Every recorded step carries your agent id. The default is random and pseudonymous; your team lead may ask you to
          use an agreed one so exports from the whole team can be merged.
        </p>
        <label>
          Agent id
          <br />
          <input data-testid={TEST_IDS.agentId} value={agentId} onChange={(e) => setAgentId(e.target.value)} maxLength={100} />
        </label>{' '}
        <button type="button" onClick={() => setAgentId(randomAgentId())}>
          New random id
        </button>
        <label>
          Display name (used for <code>{'{{agent.name}}'}</code> in canned responses)
          <br />
          <input data-testid={TEST_IDS.agentName} value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={100} />
        </label>
        <div>
          <button type="button" className="primary" data-testid={TEST_IDS.settingsSaveAgent} onClick={() => void save()}>
            Save
          </button>
        </div>
        {message && (
          <p className={message.ok ? 'ok' : 'alert'} role="status">
            {message.text}
          </p>
        )}
      </section>
      <section className="draft" aria-labelledby="model-heading">
        <h2 id="model-heading">Model</h2>
        <ProviderSection {...provider} />
        <EmbeddingsSection {...embeddings} />
      </section>
      <section className="draft" aria-labelledby="sites-heading">
        <h2 id="sites-heading">Sites</h2>
        <SitesSection {...sites} />
      </section>
      <section className="draft" aria-labelledby="guard-heading">
        <h2 id="guard-heading">Privacy and policies</h2>
        <GuardSection {...guard} />
      </section>
      <section className="draft" aria-labelledby="overrides-heading">
        <h2 id="overrides-heading">When a helpdesk changes its page</h2>
        <OverridesSection {...overrideSettings} />
      </section>
      <section className="draft" aria-labelledby="kb-heading">
        <h2 id="kb-heading">Knowledge base</h2>
        <KbManager {...kb} />
      </section>
      <section className="draft" aria-labelledby="pilot-heading">
        <h2 id="pilot-heading">Pilot and team config</h2>
        <PilotSection {...pilot} />
      </section>
      <section className="draft" aria-labelledby="stats-heading">
        <h2 id="stats-heading">Stats</h2>
        <DriftNotice report={drift} />
        <StatsSection {...stats} />
      </section>
    </main>
  );
}
