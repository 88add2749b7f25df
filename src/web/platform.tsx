// The add-on's REST handler (connection check, secret storage) runs only where default/restmap.conf's one
// driver path points: the linux_x86_64 executable. Elsewhere the page says so in plain words.
import React, { useEffect, useState } from 'react';
import Message from '@splunk/react-ui/Message';
import { serverPlatform } from './api';

export const HANDLER_PLATFORM = { os: 'Linux', arch: 'x86_64' };

/** The notice for a server whose platform the handler does not run on; undefined where it runs. */
export function platformNotice(p: { os: string; arch: string }): string | undefined {
  if (p.os === '' || (p.os === HANDLER_PLATFORM.os && p.arch === HANDLER_PLATFORM.arch)) return undefined;
  return (
    `This Splunk server runs ${p.os} (${p.arch || 'unknown architecture'}). The add-on's REST handler runs only on Linux x86_64, ` +
    'so here the connection check does not run and this page cannot store private keys, passphrases or the proxy password. ' +
    'Use a Linux x86_64 heavy forwarder or search head for this add-on.'
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
