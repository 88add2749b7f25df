// The benches' side of build/bench/bench-emulator.ts: the OCI emulator in a process of its own (its CPU time is
// not the executable's), driven over the IPC channel, one request and one answer.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface EmuInfo {
  identityEndpoint: string;
  auditEndpoint: string;
  apiKey: { userId: string; fingerprint: string; privateKeyPem: string };
  tenancyId: string;
  homeRegion: string;
  regions: string[];
  compartments: string[];
}

export interface EmuStats {
  listEventsRequests: number;
  eventsServed: number;
  maxInFlight: number;
  requests: number;
  byOperation: Record<string, number>;
  cpuMs: number;
  /** epoch ms (performance.timeOrigin + now()) of the first ListEvents request's arrival */
  firstListEventsAt?: number;
}

export interface EmulatorOptions {
  /** compartments per region besides the root */
  compartments: number;
  eventsPerDay: number;
  /** epoch ms: the first generated event */
  eventsFrom: number;
  pageSize?: number;
}

export class Emulator {
  private seq = 0;
  private readonly waiting = new Map<number, (v: unknown) => void>();
  private constructor(
    private readonly child: ChildProcess,
    readonly info: EmuInfo,
  ) {
    child.on('message', (m: { id: number; result: unknown }) => this.waiting.get(m.id)?.(m.result));
  }
  static start(o: EmulatorOptions): Promise<Emulator> {
    const child = fork(
      path.join(__dirname, 'bench-emulator.ts'),
      [JSON.stringify({ ...o, eventsFrom: new Date(o.eventsFrom).toISOString(), pageSize: o.pageSize ?? 1000 })],
      { execArgv: ['--require', 'tsx/cjs'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    return new Promise((resolve, reject) => {
      child.once('message', (m: { result: EmuInfo }) => resolve(new Emulator(child, m.result)));
      child.once('exit', (code) => reject(new Error(`emulator exited ${code}`)));
    });
  }
  call<T>(cmd: string, arg?: unknown): Promise<T> {
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve as (v: unknown) => void);
      this.child.send({ id, cmd, arg });
    });
  }
  stats = (): Promise<EmuStats> => this.call('stats');
  reset = (): Promise<boolean> => this.call('reset');
  latency = (ms: number): Promise<boolean> => this.call('latency', ms);
  count = (s: number, e: number): Promise<number> => this.call('count', [new Date(s).toISOString(), new Date(e).toISOString()]);
  close = (): Promise<boolean> => this.call('close');
}
