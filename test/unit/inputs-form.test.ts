// The Inputs form's pieces outside the browser: GET ta_oci_audit/tenancy (src/rest/tenancy-endpoint.ts), the
// pickers' lists, compartment paths and one plain sentence for every way it fails; the rule editor's rows <->
// event_rules text (src/web/rule-rows.ts); the pickers' `*`; an edit of the rules is not an edit warning.
import assert from 'node:assert/strict';
import { handleRequest, type HandlerDeps } from '../../src/rest/handler';
import { handleTenancy, withPaths, type TenancyReader } from '../../src/rest/tenancy-endpoint';
import type { PersistentReply } from '../../src/rest/persistconn';
import { OciHttpError } from '../../src/oci/errors';
import { parseEventRules } from '../../src/pipeline/event-rules';
import { conditionValue, rowsNamed, rowsOf, textOf } from '../../src/web/rule-rows';
import { pickedValues } from '../../src/web/picker-values';
import { editWarnings } from '../../src/web/edit-warnings';

const T = 'ocid1.tenancy.oc1..aaaaroot';
const stored = {
  conf: {
    auth_type: 'api_key',
    tenancy_ocid: T,
    user_ocid: 'ocid1.user.oc1..aaaauser',
    fingerprint: '00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff',
    region: 'us-ashburn-1',
  },
  secret: { private_key: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n' },
};
const tree = [
  { id: 'ocid1.compartment.oc1..bbbb', parentId: 'ocid1.compartment.oc1..aaaa', name: 'app', lifecycleState: 'ACTIVE' },
  { id: 'ocid1.compartment.oc1..aaaa', parentId: T, name: 'prod', lifecycleState: 'ACTIVE' },
  { id: 'ocid1.compartment.oc1..cccc', parentId: 'ocid1.compartment.oc1..bbbb', name: 'db', lifecycleState: 'ACTIVE' },
  { id: 'ocid1.compartment.oc1..dddd', parentId: T, name: 'sandbox', lifecycleState: 'ACTIVE' },
];
const regions = [
  { name: 'us-phoenix-1', key: 'PHX', status: 'READY', isHome: false },
  { name: 'us-ashburn-1', key: 'IAD', status: 'READY', isHome: true },
];

describe('tenancy endpoint (the Inputs tab pickers)', () => {
  const req = (query: Array<[string, string]>, method = 'GET') => ({
    method,
    rest_path: '/ta_oci_audit/tenancy',
    query,
    session: { user: 'admin', authtoken: 'k' },
    server: { rest_uri: 'https://127.0.0.1:8089' },
  });
  const deps = (tenancy: TenancyReader, found = true): HandlerDeps => ({
    load: async () => (found ? { stored } : {}),
    tenancy,
  });
  const body = (r: PersistentReply): Record<string, unknown> => JSON.parse(r.payload) as Record<string, unknown>;
  const text = (r: PersistentReply): string => (body(r).messages as Array<{ text: string }>)[0].text;

  it('answers the regions by name and every compartment with its path, the root first', async () => {
    const r = await handleRequest(
      req([['account', 'main']]),
      deps(async () => ({ regions, compartments: tree })),
    );
    assert.equal(r.status, 200);
    const b = body(r) as { regions: Array<{ name: string }>; compartments: Array<{ id: string; path: string }> };
    assert.deepEqual(
      b.regions.map((x) => x.name),
      ['us-ashburn-1', 'us-phoenix-1'],
    );
    assert.deepEqual(
      b.compartments.map((c) => [c.path, c.id.slice(-4)]),
      [
        ['prod', 'aaaa'],
        ['prod/app', 'bbbb'],
        ['prod/app/db', 'cccc'],
        ['root', 'root'],
        ['sandbox', 'dddd'],
      ].sort((x, y) => (x[0] === 'root' ? -1 : y[0] === 'root' ? 1 : 0)),
    );
  });

  it('withPaths: a parent that is not listed ends the path; a cycle does not loop', () => {
    const p = withPaths(T, [
      { id: 'a', parentId: 'gone', name: 'orphan', lifecycleState: 'ACTIVE' },
      { id: 'x', parentId: 'y', name: 'x', lifecycleState: 'ACTIVE' },
      { id: 'y', parentId: 'x', name: 'y', lifecycleState: 'ACTIVE' },
    ]);
    assert.equal(p.find((c) => c.id === 'a')?.path, 'orphan');
    assert.ok((p.find((c) => c.id === 'x')?.path.length ?? 0) < 400);
  });

  it('fails in one plain sentence: no account, unknown account, OCI refusing, OCI not answering in time', async () => {
    const never: TenancyReader = () => new Promise(() => undefined);
    const none = await handleRequest(req([]), deps(never));
    assert.equal(none.status, 400);
    assert.match(text(none), /^account: "" is not an account name/);
    const unknown = await handleRequest(req([['account', 'nope']]), deps(never, false));
    assert.equal(unknown.status, 404);
    assert.equal(text(unknown), 'Account "nope" does not exist; save it on the Accounts tab first.');
    assert.equal((await handleRequest(req([['account', 'main']], 'POST'), deps(never))).status, 405);
    const refused = await handleRequest(
      req([['account', 'main']]),
      deps(async () => {
        throw new OciHttpError(404, 'NotAuthorizedOrNotFound', 'Authorization failed or requested resource not found.', 'rid-1');
      }),
    );
    assert.equal(refused.status, 502);
    assert.match(text(refused), /^Could not list the regions and compartments of account "main": not authorized or not found \(404/);
    assert.doesNotMatch(text(refused), /\n|at .*\.ts/);
    const slow = await handleTenancy(req([['account', 'main']]), deps(never), 50);
    assert.equal(slow.status, 504);
    assert.match(text(slow), /network error: no answer within 0 s\.$/);
  });
});

describe('rule editor rows <-> event_rules text', () => {
  it('parses the spec examples into rows and writes them back exactly', () => {
    for (const t of [
      'preset:read_only route:oci_audit_reads',
      'index status=401,403,404 ; drop principal=scanner@example.com action=GET ; route:oci_cheap name~^List',
      'preset:read_only drop ; index type~^com\\.oraclecloud\\.identitysignon\\.',
      'drop',
      'route:x name~a\\;b',
    ]) {
      const rows = rowsOf(t);
      assert.ok(rows, t);
      assert.equal(textOf(rows), t);
      parseEventRules(textOf(rows)); // and the engine accepts what the rows write
    }
    assert.deepEqual(rowsOf(''), []);
    assert.deepEqual(rowsOf('index status=4xx ;'), [
      { kind: 'rule', decision: 'index', index: '', conditions: [{ field: 'status', op: '=', value: '4xx' }] },
    ]);
  });

  it('a text the rows cannot show stays text: unknown field, unknown decision, a preset with conditions', () => {
    for (const t of ['drop nme=GetObject', 'keep name=x', 'preset:read_only drop name=x', 'preset:read_only index', 'drop name'])
      assert.equal(rowsOf(t), undefined, t);
  });

  it('a ; typed in a value is written \\; and whitespace never splits a condition', () => {
    assert.equal(
      textOf([{ kind: 'rule', decision: 'drop', index: '', conditions: [{ field: 'name', op: '~', value: 'a;b' }] }]),
      'drop name~a\\;b',
    );
    assert.equal(conditionValue('~', 'Get Object'), 'Get\\sObject');
    assert.equal(conditionValue('=', 'GetObject, ListObjects'), 'GetObject,ListObjects');
  });

  it("names the rows of the parser's problems", () => {
    assert.deepEqual([...rowsNamed(['event_rules: rule 2 "x": y', 'event_rules: rule 10 "z": w'])], [1, 9]);
  });

  it('pickers: * alone, or the others without it', () => {
    assert.deepEqual(pickedValues(['a'], ['a', '*']), ['*']);
    assert.deepEqual(pickedValues(['*'], ['*', 'b']), ['b']);
    assert.deepEqual(pickedValues(['a', 'b'], ['b']), ['b']);
  });

  it('an edit of the rules is exactly-once (docs/contract.md "What an edit does"): no edit warning', () => {
    const saved = { account: 'main', event_rules: '' };
    assert.deepEqual(editWarnings(saved, { account: 'main', event_rules: 'preset:read_only drop' }), []);
    assert.deepEqual(editWarnings({ ...saved, event_rules: 'drop' }, { account: 'main', event_rules: 'index status=4xx ; drop' }), []);
  });
});
