import { z } from 'zod';

/** The agent's identity, stamped on every event. The id is pseudonymous by default. */
export const AgentSettingsSchema = z.object({
  agentId: z
    .string()
    .trim()
    .min(1, 'The agent id cannot be empty.')
    .max(100, 'Keep the agent id under 100 characters.')
    .regex(/^[A-Za-z0-9._@-]+$/, 'Use letters, digits and . _ @ - only in the agent id.'),
  displayName: z.string().trim().max(100, 'Keep the display name under 100 characters.'),
});
export type AgentSettings = z.infer<typeof AgentSettingsSchema>;

/** A random pseudonymous agent id such as `agent-7f3a9c2e`. */
export function randomAgentId(random: () => number = Math.random): string {
  let hex = '';
  for (let i = 0; i < 8; i++) hex += Math.floor(random() * 16).toString(16);
  return `agent-${hex}`;
}

export const DEFAULT_DISPLAY_NAME = '';
/** Used for `{{agent.name}}` when the agent has not set a display name. */
export const FALLBACK_AGENT_NAME = 'The support team';
