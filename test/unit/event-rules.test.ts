import assert from 'node:assert/strict';
import {
  EventRulesError,
  parseEventRules,
  READ_ONLY_PRESET,
  resolveCompartments,
  splitRules,
  UNMATCHED,
  type CompartmentNode,
  type EventFields,
} from '../../src/pipeline/event-rules';
import { parseInputConfig, ParameterError, runParams } from '../../src/splunk/parameters';

const R = 'us-ashburn-1';
const TREE: CompartmentNode[] = [
  { id: 'ocid1.tenancy.oc1..root', name: 'root' },
  { id: 'ocid1.compartment.oc1..prod', name: 'prod', parentId: 'ocid1.tenancy.oc1..root' },
  { id: 'ocid1.compartment.oc1..sandbox', name: 'Sandbox', parentId: 'ocid1.tenancy.oc1..root' },
  { id: 'ocid1.compartment.oc1..sandboxa', name: 'a', parentId: 'ocid1.compartment.oc1..sandbox' },
  { id: 'ocid1.compartment.oc1..sandboxab', name: 'b', parentId: 'ocid1.compartment.oc1..sandboxa' },
];
const ev = (f: Partial<EventFields>): EventFields => ({
  eventType: 'com.oraclecloud.ComputeApi.GetInstance',
  eventName: 'GetInstance',
  action: 'GET',
  principalName: 'alice@example.com',
  principalId: 'ocid1.user.oc1..alice',
  authType: 'natv',
  compartmentId: 'ocid1.compartment.oc1..prod',
  status: '200',
  ...f,
});

/** The label of the rule that decides `e` (or 'unmatched'). */
function which(rules: string, e: EventFields, region = R): string {
  const r = parseEventRules(rules);
  return r.decide(e, { region, compartments: TREE }).label;
}

function problems(text: string): string[] {
  try {
    parseEventRules(text);
  } catch (err) {
    assert.ok(err instanceof EventRulesError);
    return err.problems;
  }
  assert.fail(`accepted: ${text}`);
}

describe('event rules: parsing', () => {
  it('splits on ; but not on \\; and treats a .conf line continuation as a space', () => {
    assert.deepEqual(splitRules('index a=1 ; drop b~x\\;y;\\\n route:z  ;; '), ['index a=1', 'drop b~x\\;y', 'route:z']);
    assert.deepEqual(splitRules(''), []);
  });

  it('reads decisions, labels and route indexes in order; a preset expands in place', () => {
    const r = parseEventRules('index status=401 ; preset:read_only route:oci_reads ; drop');
    assert.deepEqual(r.rules[0], { label: 'rule-1', text: 'index status=401', decision: 'index', written: 1 });
    assert.equal(r.rules.length, 2 + READ_ONLY_PRESET.length);
    assert.deepEqual(
      r.rules.slice(1, -1).map((x) => x.label),
      READ_ONLY_PRESET.map((p) => `read_only/${p.name}`),
    );
    assert.ok(r.rules.slice(1, -1).every((x) => x.written === 2));
    assert.deepEqual(r.rules.at(-1), { label: 'rule-3', text: 'drop', decision: 'drop', written: 3 });
    assert.deepEqual(r.routeIndexes(), ['oci_reads']);
    assert.equal(r.needsCompartmentTree, false);
    assert.equal(parseEventRules('drop compartment=prod').needsCompartmentTree, true);
    assert.equal(parseEventRules('').empty, true);
  });

  it('refuses every bad rule, naming it by position and text and saying what is accepted', () => {
    const cases: Array<[string, RegExp]> = [
      [
        'index nme=GetObject',
        /^event_rules: rule 1 "index nme=GetObject": unknown field "nme"; use type, name, action, principal, auth, compartment, status, region$/,
      ],
      ['index ; route: name~^List', /^event_rules: rule 2 "route: name~\^List": route needs an index name, e.g. route:oci_audit_reads$/],
      ['route name~^List', /rule 1 .*route needs an index name/],
      [
        'index ; index ; drop name~(unclosed',
        /^event_rules: rule 3 "drop name~\(unclosed": name~"\(unclosed" is not a valid regular expression \(Unterminated group\); use a JavaScript regular expression$/,
      ],
      [
        'keep name=GetObject',
        /^event_rules: rule 1 "keep name=GetObject": unknown decision "keep"; a rule starts with index, route:<index>, drop, or preset:<name>/,
      ],
      [
        'route:_internal',
        /rule 1 "route:_internal": route:_internal is not an index name; use lowercase letters, digits, _ and - \(not first\), up to 80 characters/,
      ],
      ['route:Main', /route:Main is not an index name/],
      [`route:${'a'.repeat(81)}`, /is not an index name/],
      ['route:my_kvstore', /not containing "kvstore"/],
      ['preset:write_only drop', /^event_rules: rule 1 "preset:write_only drop": unknown preset "write_only"; use read_only$/],
      [
        'preset:read_only',
        /preset:read_only takes one decision for the noise and nothing else, e\.g\. preset:read_only route:oci_audit_reads or preset:read_only drop/,
      ],
      ['preset:read_only index', /preset:read_only needs route:<index> or drop/],
      ['preset:read_only drop name=x', /takes one decision for the noise and nothing else/],
      ['drop status=4xy', /status "4xy" is not a status; use a code such as 404 or a class such as 4xx/],
      ['drop name=', /name= needs a value/],
      ['drop name=a,,b', /has an empty value/],
      ['drop compartment~^sand', /compartment takes names or OCIDs with =/],
      ['drop GetObject', /"GetObject" is not a condition; write field=value1,value2 .* or field~regex/],
      ['drop nme', /"nme" is not a condition/],
    ];
    for (const [text, re] of cases) {
      const p = problems(text);
      assert.equal(p.length, 1, `${text}: ${p.join(' | ')}`);
      assert.match(p[0] as string, re, text);
    }
  });

  it('reports every bad rule at once and clips a long rule in the message', () => {
    const p = problems(`index nme=x ; drop name~( ; route: ; index action=${'X'.repeat(200)} bad`);
    assert.equal(p.length, 4);
    assert.deepEqual(
      p.map((m) => /rule (\d+)/.exec(m)?.[1]),
      ['1', '2', '3', '4'],
    );
    assert.ok((p[3] as string).length < 300);
    assert.match(p[3] as string, /…": /);
  });

  it('the parameter parser refuses bad rules with the parameter named, and keeps the rules in runParams', () => {
    assert.throws(
      () => parseInputConfig('t', { account: 'a', event_rules: 'index nme=x' }),
      (err: unknown) =>
        err instanceof ParameterError && /^event_rules: rule 1 "index nme=x": unknown field/.test(err.problems[0] as string),
    );
    const c = parseInputConfig('t', { account: 'a', event_rules: ' index  status=401 ;drop\\\n  action=GET ;' });
    assert.equal(c.eventRules.rules.length, 2);
    assert.equal(runParams(c).event_rules, 'index status=401 ; drop action=GET');
    assert.equal(runParams(parseInputConfig('t', { account: 'a' })).event_rules, '');
    assert.equal(parseInputConfig('t', { account: 'a' }).eventRules.empty, true);
  });
});

describe('event rules: deciding', () => {
  it('no rules, or no match: the event is indexed (unmatched)', () => {
    assert.equal(parseEventRules('').decide(ev({}), { region: R }), UNMATCHED);
    assert.equal(which('drop name=ListUsers', ev({})), 'unmatched');
  });

  it('first match wins; a rule without conditions matches everything', () => {
    assert.equal(which('index name=GetInstance ; drop', ev({})), 'rule-1');
    assert.equal(which('index name=Other ; drop', ev({})), 'rule-2');
    const out = parseEventRules('index name=Other ; route:cheap').decide(ev({}), { region: R });
    assert.deepEqual({ ...out }, { rule: 1, label: 'rule-2', decision: 'route', index: 'cheap' });
  });

  it('all conditions of a rule must hold', () => {
    assert.equal(which('drop name=GetInstance action=POST', ev({})), 'unmatched');
    assert.equal(which('drop name=GetInstance action=GET', ev({})), 'rule-1');
  });

  it('type, name, action, auth: exact in any case, or a regex (case-sensitive unless (?i))', () => {
    assert.equal(which('drop type=COM.ORACLECLOUD.COMPUTEAPI.GETINSTANCE', ev({})), 'rule-1');
    assert.equal(which('drop type~^com\\.oraclecloud\\.ComputeApi\\.', ev({})), 'rule-1');
    assert.equal(which('drop type~^com\\.oraclecloud\\.computeapi\\.', ev({})), 'unmatched');
    assert.equal(which('drop type~(?i)^com\\.oraclecloud\\.computeapi\\.', ev({})), 'rule-1');
    assert.equal(which('drop name=getinstance,ListUsers', ev({})), 'rule-1');
    assert.equal(which('drop name~^(Get|List)', ev({ eventName: 'ListUsers' })), 'rule-1');
    assert.equal(which('drop name~^(Get|List)', ev({ eventName: 'UpdateVnic' })), 'unmatched');
    assert.equal(which('drop action=get,head', ev({ action: 'HEAD' })), 'rule-1');
    assert.equal(which('drop action=GET', ev({ action: 'POST' })), 'unmatched');
    assert.equal(which('drop auth=instance,resource', ev({ authType: 'resource' })), 'rule-1');
    assert.equal(which('drop auth=instance', ev({ authType: 'natv' })), 'unmatched');
  });

  it('principal matches principalName or principalId', () => {
    assert.equal(which('drop principal=ALICE@example.com', ev({})), 'rule-1');
    assert.equal(which('drop principal=ocid1.user.oc1..alice', ev({ principalName: undefined })), 'rule-1');
    assert.equal(
      which('drop principal~^ocid1\\.instance\\.', ev({ principalName: undefined, principalId: 'ocid1.instance.oc1.iad.x' })),
      'rule-1',
    );
    assert.equal(which('drop principal=bob@example.com', ev({})), 'unmatched');
  });

  it('status: exact codes and classes', () => {
    assert.equal(which('drop status=4xx', ev({ status: '404' })), 'rule-1');
    assert.equal(which('drop status=4XX', ev({ status: '429' })), 'rule-1');
    assert.equal(which('drop status=4xx', ev({ status: '200' })), 'unmatched');
    assert.equal(which('drop status=401,403', ev({ status: '403' })), 'rule-1');
    assert.equal(which('drop status=401,403', ev({ status: '404' })), 'unmatched');
    assert.equal(which('drop status=5xx,404', ev({ status: '404' })), 'rule-1');
    assert.equal(which('drop status=2xx', ev({ status: undefined })), 'unmatched');
  });

  it('region: settled per region when bound', () => {
    assert.equal(which('drop region=us-ashburn-1,eu-frankfurt-1', ev({})), 'rule-1');
    assert.equal(which('drop region=eu-frankfurt-1', ev({})), 'unmatched');
    assert.equal(which('drop region~^eu-', ev({}), 'eu-frankfurt-1'), 'rule-1');
    const r = parseEventRules('drop region=eu-frankfurt-1');
    assert.equal(r.bind({ region: R }).indexesAll, true);
    assert.equal(r.bind({ region: 'eu-frankfurt-1' }).indexesAll, false);
  });

  it('compartment: by name (any case) or OCID, with the whole subtree', () => {
    const inSub = ev({ compartmentId: 'ocid1.compartment.oc1..sandboxab' });
    assert.equal(which('drop compartment=sandbox', inSub), 'rule-1');
    assert.equal(which('drop compartment=ocid1.compartment.oc1..sandbox', inSub), 'rule-1');
    assert.equal(which('drop compartment=a', inSub), 'rule-1');
    assert.equal(which('drop compartment=sandbox', ev({})), 'unmatched');
    assert.equal(which('drop compartment=root', ev({})), 'rule-1');
    assert.equal(which('drop compartment=sandbox/A', inSub), 'rule-1');
    assert.equal(which('drop compartment=sandbox/a/b', ev({ compartmentId: 'ocid1.compartment.oc1..sandboxa' })), 'unmatched');
    assert.equal(which('drop compartment=prod/a', inSub), 'unmatched');
    // an OCID not in the tree (deleted, or not listed) still matches its own events
    assert.equal(which('drop compartment=ocid1.compartment.oc1..gone', ev({ compartmentId: 'ocid1.compartment.oc1..gone' })), 'rule-1');
    const r = resolveCompartments(['Sandbox', 'nosuch', 'ocid1.compartment.oc1..gone'], TREE);
    assert.deepEqual([...r.ids].sort(), [
      'ocid1.compartment.oc1..gone',
      'ocid1.compartment.oc1..sandbox',
      'ocid1.compartment.oc1..sandboxa',
      'ocid1.compartment.oc1..sandboxab',
    ]);
    assert.deepEqual(r.unknown, ['nosuch', 'ocid1.compartment.oc1..gone']);
    assert.deepEqual(
      parseEventRules('drop compartment=nosuch ; index compartment=prod')
        .unknownCompartments(TREE)
        .map((u) => [u.rule.label, u.value]),
      [['rule-1', 'nosuch']],
    );
  });

  it('a regex may hold a ; written as \\;', () => {
    assert.equal(which('drop name~^a\\;b$ ; index', ev({ eventName: 'a;b' })), 'rule-1');
  });
});

describe('event rules: the read_only preset', () => {
  const decide = (noise: string, e: Partial<EventFields>) => parseEventRules(`preset:read_only ${noise}`).decide(ev(e), { region: R });
  const kept: Array<[string, Partial<EventFields>]> = [
    ['keep-denied', { eventName: 'ListInstances', status: '401' }],
    ['keep-denied', { eventName: 'GetVnic', status: '403' }],
    ['keep-denied', { eventName: 'GetBucket', status: '404' }],
    ['keep-sign-ins', { eventType: 'com.oraclecloud.IdentitySignOn.InteractiveLogin', eventName: 'InteractiveLogin', action: 'POST' }],
    ['keep-sign-ins', { eventType: 'com.oraclecloud.identitySignOn.InteractiveLogin', eventName: 'InteractiveLogin', action: 'GET' }],
    ['keep-secret-reads', { eventName: 'GetSecretBundle' }],
    ['keep-secret-reads', { eventName: 'GetSecretBundleByName' }],
    ['keep-secret-reads', { eventName: 'ListSecretBundleVersions' }],
    ['keep-key-reads', { eventName: 'GetKey' }],
    ['keep-key-reads', { eventName: 'Decrypt', action: 'POST' }],
    ['keep-key-reads', { eventName: 'ExportKey', action: 'POST' }],
    ['keep-object-reads', { eventName: 'GetObject' }],
    ['keep-object-reads', { eventName: 'HeadObject', action: 'HEAD' }],
    ['keep-object-reads', { eventName: 'ListPreauthenticatedRequests' }],
    ['keep-credential-reads', { eventName: 'ListApiKeys' }],
    ['keep-credential-reads', { eventName: 'ListAuthTokens' }],
    ['keep-credential-reads', { eventName: 'ListCustomerSecretKeys' }],
    ['keep-credential-reads', { eventName: 'ListSmtpCredentials' }],
    ['keep-credential-reads', { eventName: 'ListOAuthClientCredentials' }],
    ['keep-credential-reads', { eventName: 'ListDbCredentials' }],
    ['keep-credential-reads', { eventName: 'GetUserUIPasswordInformation' }],
  ];
  for (const [label, e] of kept)
    it(`keeps ${e.eventName}${e.status && e.status !== '200' ? ` ${e.status}` : ''} (${label})`, () => {
      const out = decide('drop', e);
      assert.equal(out.label, `read_only/${label}`);
      assert.equal(out.decision, 'index');
    });

  it('routes or drops every other read: GET/HEAD calls, and Get/List/Head/Search/Summarize names', () => {
    for (const e of [
      { eventName: 'GetInstance' },
      { eventName: 'ListUsers' },
      { eventName: 'ListEvents' },
      { eventName: 'GetAutonomousDatabase', status: '500' },
      { eventName: 'ListInstances', status: '429' },
      { eventName: 'HeadBucket', action: 'HEAD' },
    ]) {
      const out = decide('route:oci_reads', e);
      assert.deepEqual([out.label, out.decision, out.index], ['read_only/noise-read-actions', 'route', 'oci_reads'], e.eventName);
      assert.equal(decide('drop', e).decision, 'drop');
    }
    assert.equal(decide('drop', { eventName: 'SearchResources', action: 'POST' }).label, 'read_only/noise-read-names');
    assert.equal(decide('drop', { eventName: 'SummarizeMetricsData', action: 'POST' }).label, 'read_only/noise-read-names');
  });

  it('leaves writes alone (indexed, no rule matched)', () => {
    for (const e of [
      { eventName: 'UpdateVnic', action: 'PUT' },
      { eventName: 'LaunchInstance', action: 'POST' },
      { eventName: 'DeletePolicy', action: 'DELETE', status: '409' },
      { eventName: 'CreateApiKey', action: 'POST' },
    ])
      assert.equal(decide('drop', e), UNMATCHED, e.eventName);
  });
});
