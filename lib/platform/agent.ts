import { storage } from 'wxt/utils/storage';
import { AgentSettingsSchema, DEFAULT_DISPLAY_NAME, randomAgentId, type AgentSettings } from '../settings';

/** The agent's identity; a random pseudonymous id is made on first use. */
export const agentItem = storage.defineItem<AgentSettings>('local:agent', {
  version: 1,
  init: () => ({ agentId: randomAgentId(), displayName: DEFAULT_DISPLAY_NAME }),
});

export async function getAgent(): Promise<AgentSettings> {
  const value = await agentItem.getValue();
  const parsed = AgentSettingsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fresh = { agentId: randomAgentId(), displayName: DEFAULT_DISPLAY_NAME };
  await agentItem.setValue(fresh);
  return fresh;
}
