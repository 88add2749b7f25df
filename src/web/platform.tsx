// The add-on ships executables for Linux x86_64, Windows x86_64 and macOS x86_64 (build/package/package.mjs);
// its REST handler (bin/ta_oci_audit_rest.py) runs the one of the server's platform, and a Mac with Apple silicon
// runs the x86_64 build through Rosetta 2. On any other platform the page says so in plain words.
import React, { useEffect, useState } from 'react';
import Message from '@splunk/react-ui/Message';
import { serverPlatform } from './api';

/** server/info os_name values with a shipped executable, and the cpu_arch values each accepts. */
const SHIPPED: Record<string, string[]> = {
  linux: ['x86_64', 'amd64', 'x64'],
  windows: ['x86_64', 'amd64', 'x64'],
  darwin: ['x86_64', 'amd64', 'x64', 'arm64'],
};

/** Whether the add-on has an executable for this os_name / cpu_arch (an unknown one counts as shipped). */
export function hasExecutable(p: { os: string; arch: string }): boolean {
  if (p.os === '') return true;
  const arches = SHIPPED[p.os.toLowerCase()];
  return Boolean(arches && (p.arch === '' || arches.includes(p.arch.toLowerCase())));
}

/** The notice for a server the add-on has no executable for; undefined where it has one. */
export function platformNotice(p: { os: string; arch: string }): string | undefined {
  if (hasExecutable(p)) return undefined;
  return (
    `This Splunk server runs ${p.os} (${p.arch || 'unknown architecture'}). TA-oci-audit ships executables only for ` +
    'Linux x86_64, Windows x86_64 and macOS, so here the input does not run, the connection check does not run and this ' +
    'page cannot store private keys, passphrases or the proxy password. Use a heavy forwarder or search head on one of those platforms.'
  );
}

export function PlatformNotice(): React.JSX.Element | null {
  const [text, setText] = useState<string | undefined>();
  useEffect(() => {
    serverPlatform()
      .then((p) => setText(platformNotice(p)))
      .catch(() => setText(undefined)); // no server/info: nothing to say
  }, []);
  if (!text) return null;
  return (
    <Message type="warning">
      <span data-test="platform-notice">{text}</span>
    </Message>
  );
}
