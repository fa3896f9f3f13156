import { useEffect, useState } from 'react';
import { DEFAULT_POLICY, PolicyFileSchema, parsePolicyFile } from '../../lib/guard/policy';
import { disabledPiiItem, policyItem } from '../../lib/platform/guard-settings';
import { readManagedStorage, watchManagedStorage } from '../../lib/platform/pilot-store';
import { isLocked } from '../../lib/pilot/team-config';

const MASKABLE = ['EMAIL', 'PHONE', 'CARD', 'IBAN', 'NATIONAL_ID', 'IP', 'ADDRESS', 'PERSON'];

/** State behind Options → Privacy and policies. */
export function useGuardSettings() {
  const [policyText, setPolicyText] = useState(JSON.stringify(DEFAULT_POLICY, null, 2));
  const [policyMessage, setPolicyMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [disabled, setDisabled] = useState<string[]>([]);
  const [locked, setLocked] = useState({ policies: false, pii: false });

  useEffect(() => {
    const read = () =>
      void readManagedStorage()
        .then((m) => setLocked({ policies: isLocked(m.locked, 'policies'), pii: isLocked(m.locked, 'settings.disabledPiiTypes') }))
        .catch(() => undefined);
    read();
    return watchManagedStorage(read);
  }, []);

  useEffect(() => {
    const applyPolicy = (value: unknown) => {
      const parsed = PolicyFileSchema.safeParse(value);
      setPolicyText(JSON.stringify(parsed.success ? parsed.data : DEFAULT_POLICY, null, 2));
    };
    void policyItem.getValue().then(applyPolicy);
    void disabledPiiItem.getValue().then(setDisabled);
    const unwatchPolicy = policyItem.watch(applyPolicy);
    const unwatchPii = disabledPiiItem.watch((v) => setDisabled(v));
    return () => {
      unwatchPolicy();
      unwatchPii();
    };
  }, []);

  const onSavePolicy = (text: string) => {
    if (locked.policies) {
      setPolicyMessage({ ok: false, text: "Not saved: your organisation sets these policies by browser policy." });
      return;
    }
    const result = parsePolicyFile(text);
    if (!result.ok) {
      setPolicyMessage({ ok: false, text: result.message });
      return;
    }
    void policyItem.setValue(result.policy).then(() =>
      setPolicyMessage({ ok: true, text: `Saved ${result.policy.rules.length} rules. They apply from the next draft.` }),
    );
  };

  const onResetPolicy = () =>
    void policyItem.setValue(DEFAULT_POLICY).then(() => setPolicyMessage({ ok: true, text: 'The default policies are back.' }));

  const onToggleType = (type: string, masked: boolean) => {
    const next = masked ? disabled.filter((t) => t !== type) : [...new Set([...disabled, type])];
    void disabledPiiItem.setValue(next);
  };

  return { policyText, policyMessage, onSavePolicy, onResetPolicy, maskable: MASKABLE, disabled, onToggleType, locked };
}
