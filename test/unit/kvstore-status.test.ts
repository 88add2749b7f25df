// src/splunk/kvstore-status.ts against each plausible form of splunkd's answers.
import assert from 'node:assert/strict';
import { kvStoreProblem, kvStoreState } from '../../src/splunk/kvstore-status';
import { SplunkdError, type SplunkdClient } from '../../src/splunk/splunkd-client';

type Answer = unknown | SplunkdError;
function client(answers: Record<string, Answer>): SplunkdClient {
  return {
    call: async (_m: string, path: string) => {
      const a = answers[path];
      if (a instanceof SplunkdError) throw a;
      if (a === undefined) throw new SplunkdError(`no answer for ${path}`, 404, path);
      return { status: 200, json: a };
    },
  } as unknown as SplunkdClient;
}
const info = (content: Record<string, unknown>): unknown => ({ entry: [{ name: 'server-info', content }] });
const status = (current: Record<string, unknown>): unknown => ({ entry: [{ name: 'kvstoreStatus', content: { current } }] });

describe('KV store state (kvstore-status.ts)', () => {
  it('server/info kvStoreStatus decides when present', async () => {
    assert.equal(await kvStoreState(client({ '/services/server/info': info({ kvStoreStatus: 'ready' }) })), 'available');
    assert.equal(await kvStoreState(client({ '/services/server/info': info({ kvStoreStatus: 'starting' }) })), 'available');
    assert.equal(await kvStoreState(client({ '/services/server/info': info({ kvStoreStatus: 'disabled' }) })), 'disabled');
  });

  it('without kvStoreStatus: kvstore/status current.disabled, current.status, or no endpoint at all', async () => {
    const noField = info({ product_type: 'enterprise' });
    assert.equal(
      await kvStoreState(
        client({ '/services/server/info': noField, '/services/kvstore/status': status({ disabled: '1', status: 'unknown' }) }),
      ),
      'disabled',
    );
    assert.equal(
      await kvStoreState(client({ '/services/server/info': noField, '/services/kvstore/status': status({ status: 'disabled' }) })),
      'disabled',
    );
    assert.equal(
      await kvStoreState(
        client({ '/services/server/info': noField, '/services/kvstore/status': status({ status: 'ready', disabled: false }) }),
      ),
      'available',
    );
    assert.equal(await kvStoreState(client({ '/services/server/info': noField })), 'absent', 'kvstore/status answers 404');
    assert.equal(await kvStoreState(client({ '/services/server/info': noField, '/services/kvstore/status': { entry: [] } })), 'absent');
  });

  it('a question that fails is no verdict: the run goes on and its own KV calls report', async () => {
    assert.equal(
      await kvStoreState(client({ '/services/server/info': new SplunkdError('boom', 500, '/services/server/info') })),
      'available',
    );
  });

  it('the ERROR names the problem and where the input can run', () => {
    assert.equal(kvStoreProblem('available'), undefined);
    assert.match(kvStoreProblem('disabled') ?? '', /KV store is disabled.*heavy forwarder or search head/);
    assert.match(kvStoreProblem('absent') ?? '', /no KV store \(a universal forwarder has none\).*heavy forwarder or a search head/);
  });
});
