import { useCallback, useEffect, useState } from 'react';
import { browser } from 'wxt/browser';

/**
 * Whether the extension may reach a site pattern, checked when the pattern changes, so a click can
 * ask for it at once (a permission prompt needs the user's gesture, which an `await` before it may
 * lose). `granted` is null while unknown or without a pattern; `markGranted` records a grant.
 */
export function useOriginAccess(pattern: string | null): { granted: boolean | null; markGranted: (pattern: string) => void } {
  const [access, setAccess] = useState<{ pattern: string; granted: boolean } | null>(null);
  useEffect(() => {
    if (!pattern) return;
    let live = true;
    browser.permissions.contains({ origins: [pattern] }).then(
      (granted) => live && setAccess({ pattern, granted }),
      () => live && setAccess({ pattern, granted: false }),
    );
    return () => {
      live = false;
    };
  }, [pattern]);
  const markGranted = useCallback((granted: string) => setAccess({ pattern: granted, granted: true }), []);
  return { granted: pattern !== null && access !== null && access.pattern === pattern ? access.granted : null, markGranted };
}
