// The OCI emulator in a process of its own for `npm run bench`, so that its CPU time is not the binary's
// and can be reported apart. Driven over the IPC channel (build/bench/bench-emulator-client.ts): one request, one answer.
import { generateTenancy, startOciEmulator, type OciEmulator } from '../../test/emulators/oci';

interface Request {
  id: number;
  cmd: 'stats' | 'reset' | 'latency' | 'count' | 'close';
  arg?: unknown;
}

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as { compartments: number; eventsPerDay: number; eventsFrom: string; pageSize?: number };
  const tenancy = generateTenancy({
    seed: 2026,
    regions: 4,
    compartments: o.compartments,
    deletedCompartments: 3,
    eventsPerDay: o.eventsPerDay,
    eventsFrom: new Date(o.eventsFrom),
  });
  const emu: OciEmulator = await startOciEmulator({ tenancy, pageSize: o.pageSize ?? 1000 });
  let cpu = process.cpuUsage();
  const send = (m: unknown): void => void process.send?.(m);
  process.on('message', (m: Request) => {
    const reply = (result: unknown): void => send({ id: m.id, result });
    if (m.cmd === 'stats') {
      const c = process.cpuUsage(cpu);
      reply({ ...emu.stats(), cpuMs: (c.user + c.system) / 1000 });
    } else if (m.cmd === 'reset') {
      emu.resetStats();
      cpu = process.cpuUsage();
      reply(true);
    } else if (m.cmd === 'latency') {
      emu.setLatency(m.arg as number);
      reply(true);
    } else if (m.cmd === 'count') {
      const [s, e] = m.arg as [string, string];
      reply(emu.countEvents(new Date(s), new Date(e)));
    } else if (m.cmd === 'close') {
      void emu.close().then(() => {
        reply(true);
        process.exit(0);
      });
    }
  });
  send({
    id: 0,
    result: {
      identityEndpoint: emu.identityEndpoint,
      auditEndpoint: emu.auditEndpoint,
      apiKey: emu.apiKey,
      tenancyId: tenancy.tenancyId,
      homeRegion: tenancy.homeRegion,
      regions: tenancy.regions.filter((r) => r.status === 'READY').map((r) => r.regionName),
      compartments: [tenancy.tenancyId, ...tenancy.compartments.filter((c) => c.lifecycleState === 'ACTIVE').map((c) => c.id)],
    },
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
