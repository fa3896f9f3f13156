import { storage } from 'wxt/utils/storage';
import { DEFAULT_POLICY, PolicyFileSchema, type PolicyFile } from '../guard/policy';

/** The team's topic policies (Options → Policies); the defaults until someone edits them. */
export const policyItem = storage.defineItem<PolicyFile>('local:policy', { fallback: DEFAULT_POLICY, version: 1 });

export async function getPolicy(): Promise<PolicyFile> {
  const parsed = PolicyFileSchema.safeParse(await policyItem.getValue());
  return parsed.success ? parsed.data : DEFAULT_POLICY;
}

/** Personal-data types the agent switched off (secrets cannot be switched off). */
export const disabledPiiItem = storage.defineItem<string[]>('local:disabledPiiTypes', { fallback: [], version: 1 });
