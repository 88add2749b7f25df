// The floor for `npm run bench`: the least work that moves the same events from the same emulator to a
// pipe. Same pages (one request per page, signed by oci-common's DefaultRequestSigner), same
// concurrency over (region, compartment) pairs, windows of a pair in order; each event goes out as
// JSON inside a minimal XML <event>. No discovery, no KV store, no retries, no checkpoints.
// Bundled by bench.ts and run by the same Node as the shipped binary: node bench-floor.js <job.json>
import { readFileSync } from 'node:fs';
import { DefaultRequestSigner, SimpleAuthenticationDetailsProvider } from 'oci-common';
import { Agent, request } from 'undici';

interface Job {
  auditEndpoint: string;
  tenancyId: string;
  userId: string;
  fingerprint: string;
  privateKeyPem: string;
  regions: string[];
  compartments: string[];
  windows: Array<[string, string]>;
  concurrency: number;
}

const job = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as Job;
const signer = new DefaultRequestSigner(
  new SimpleAuthenticationDetailsProvider(job.tenancyId, job.userId, job.fingerprint, job.privateKeyPem, null),
);
const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
const ESC = /[&<>]/g;
const ENT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

function write(s: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(s, (e) => (e ? reject(e) : resolve())));
}

async function page(uri: string): Promise<{ events: unknown[]; next?: string }> {
  const headers = new Headers();
  await signer.signHttpRequest({ method: 'GET', uri, headers });
  const res = await request(uri, { method: 'GET', headers: Object.fromEntries(headers), dispatcher });
  const body = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${body.slice(0, 200)}`);
  const next = res.headers['opc-next-page'];
  return { events: JSON.parse(body) as unknown[], next: typeof next === 'string' ? next : undefined };
}

async function pair(region: string, compartmentId: string): Promise<void> {
  const base = job.auditEndpoint.replace('{region}', region);
  for (const [startTime, endTime] of job.windows) {
    let token: string | undefined;
    do {
      const q = new URLSearchParams({ compartmentId, startTime, endTime });
      if (token) q.set('page', token);
      const p = await page(`${base}/20190901/auditEvents?${q}`);
      let out = '';
      for (const ev of p.events) out += `<event><data>${JSON.stringify(ev).replace(ESC, (c) => ENT[c] as string)}</data></event>\n`;
      if (out) await write(out);
      token = p.next;
    } while (token);
  }
}

async function main(): Promise<void> {
  const pairs = job.regions.flatMap((r) => job.compartments.map((c) => [r, c] as const));
  let next = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < pairs.length) {
        const [r, c] = pairs[next++] as readonly [string, string];
        await pair(r, c);
      }
    }),
  );
  await dispatcher.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`ERROR floor: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
