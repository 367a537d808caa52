import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isParleyError, ParleyError } from '@parley/contract';
import type { Io } from '../cli/io.js';
import { type Clock, type ClockScenario, formatClockScenario, scenarioClock, systemClock } from '../clock/clock.js';
import { control, statusOf } from './control.js';
import { createDemoNode, DemoNode, demoParties, type Login, nodeDir, readLogins, sides, userName } from './nodes.js';
import {
  channelName,
  demoGlossary,
  demoMechanisms,
  markerOf,
  prologue,
  reconstruction,
  type ScenarioEvent,
  type Side,
  scenarioEvents,
  scenarioStart,
} from './scenario.js';
import { demoSchedule, fastRateFor, presentAt, slowRate } from './schedule.js';

export interface DemoOptions {
  /** Where both nodes' data directories live (default: ~/.parley-demo, or PARLEY_DEMO_DIR). */
  dir: string;
  /** Start over even if `dir` holds an earlier demo. */
  fresh: boolean;
  /** How many real minutes the scenario clock takes from mid-2022 to the present. */
  minutes: number;
  /** `replayed`: stop once the replay is done and both nodes hold the same record (headless runs, tests). */
  until?: 'replayed' | undefined;
  /** Resolves when the demo should stop (Ctrl-C); the CLI passes a signal handler's promise. */
  stopSignal: Promise<void>;
}

/** What the demo keeps between runs, in `<dir>/demo.json`. */
interface DemoState {
  v: 1;
  channel: string | null;
  /** The scenario clock's rate between events (around them it runs at schedule.ts's slowRate). */
  rate: number;
  /** PARLEY_CLOCK_SCENARIO of the current run. */
  clock?: string;
  /** Scenario time when the demo last stopped (ms). */
  scenarioNow: number | null;
  entries: Record<string, { id: string; seq: number | null; author: Side }>;
  skipped: string[];
}

export const defaultDemoDir = () => process.env.PARLEY_DEMO_DIR || join(homedir(), '.parley-demo');

const stateFile = (dir: string) => join(dir, 'demo.json');
const loginsFile = (dir: string) => join(dir, 'logins.json');

function saveState(dir: string, state: DemoState): void {
  writeFileSync(stateFile(dir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `parley demo`: two nodes (us-js, cn-jsd) as separate `parley serve`
 * processes on loopback, peered, one channel with the scenario's mechanisms,
 * users for every role, then the 2022–2024 replay on a scenario clock that
 * ends in the present. Returns the exit code.
 */
export async function runDemo(o: DemoOptions, io: Io): Promise<number> {
  // The demo's nodes keep their data in SQLite files in their directories, whatever the shell says.
  for (const name of ['PARLEY_DATABASE_URL', 'PARLEY_DATABASE_SCHEMA', 'PARLEY_CLOCK_SCENARIO'])
    delete process.env[name];
  let stopping = false;
  void o.stopSignal.then(() => {
    stopping = true;
  });
  const { state, fresh } = await prepare(o, io);
  const clockSpec = clockFor(state, fresh);
  if (clockSpec) state.clock = formatClockScenario(clockSpec);
  const clock: Clock = clockSpec ? scenarioClock(clockSpec) : systemClock;
  const env = clockSpec ? { PARLEY_CLOCK_SCENARIO: formatClockScenario(clockSpec) } : {};
  const nodes = Object.fromEntries(sides.map((s) => [s, new DemoNode(o.dir, s)])) as Record<Side, DemoNode>;
  const stopAll = async () => {
    state.scenarioNow = clock.now();
    saveState(o.dir, state);
    await Promise.all(sides.map((s) => nodes[s].stop()));
  };
  try {
    await Promise.all(sides.map((s) => nodes[s].start(env)));
    if (state.channel === null) {
      state.channel = await openChannel(o.dir);
      saveState(o.dir, state);
    }
    printHeader(o, io, fresh, nodes, clockSpec);
    const replay = new Replay(o.dir, state, state.channel, clock, io, () => stopping);
    const complete = await replay.run();
    if (!complete) {
      io.out('\nstopping: the replay resumes where it left off next time (parley demo)');
      await stopAll();
      return 0;
    }
    printTryThis(o, io, state);
    if (o.until === 'replayed') {
      // Settle on the real clock: no link checks or checkpoints are due for a while, so both records converge.
      await stopAll();
      await Promise.all(sides.map((s) => nodes[s].start({})));
      await converged(o.dir, state.channel);
      await stopAll();
      io.out(`replay complete; both nodes hold the same record (${o.dir})`);
      return 0;
    }
    const present = clockSpec ? presentAt(clockSpec) : Date.now();
    io.out('');
    io.out(
      present > Date.now()
        ? `Replay complete. The scenario clock reaches the present at ${day(present)}Z (in ${Math.ceil((present - Date.now()) / 1000)} s) and then runs at real time; link checks go on meanwhile.`
        : 'Replay complete; the nodes run at real time.',
    );
    io.out('Both nodes are live. Ctrl-C stops them; `parley demo` again resumes.');
    if (present > Date.now()) {
      // unref: Ctrl-C before the present must not leave this timer holding the process.
      const reached = new Promise<boolean>((r) => setTimeout(() => r(true), present - Date.now()).unref());
      if (await Promise.race([reached, o.stopSignal.then(() => false)]))
        io.out(`${day(Date.now())}Z  the scenario has reached the present: the nodes run at real time; sign in now.`);
    }
    for (const side of sides)
      void nodes[side].exited.then((code) => {
        if (!stopping) io.err(`${side} stopped on its own (exit ${code}); see ${join(o.dir, `${side}.log`)}`);
      });
    await o.stopSignal;
    io.out('\nstopping both nodes…');
    await stopAll();
    io.out('stopped');
    return 0;
  } catch (error) {
    await stopAll().catch(() => {});
    throw error;
  }
}

/** The fresh or resumed state of `dir`: a fresh start initialises both nodes and their users. */
async function prepare(o: DemoOptions, io: Io): Promise<{ state: DemoState; fresh: boolean }> {
  const existing = existsSync(stateFile(o.dir));
  if (existing && !o.fresh) {
    const state = JSON.parse(readFileSync(stateFile(o.dir), 'utf8')) as DemoState;
    if (state.v === 1 && sides.every((s) => existsSync(nodeDir(o.dir, s)))) return { state, fresh: false };
  }
  if (existsSync(o.dir) && readdirSync(o.dir).length > 0) {
    if (!existing)
      throw new ParleyError('PARLEY_E_USAGE', {
        reason: `${o.dir} is not empty and holds no earlier demo (no demo.json): give another --dir`,
      });
    rmSync(o.dir, { recursive: true, force: true });
  }
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  io.err(`setting up two nodes in ${o.dir} …`);
  const logins: Login[] = [];
  for (const side of sides) logins.push(...(await createDemoNode(o.dir, side)));
  writeFileSync(loginsFile(o.dir), `${JSON.stringify(logins, null, 2)}\n`, { mode: 0o600 });
  const state: DemoState = {
    v: 1,
    channel: null,
    rate: fastRateFor(Date.parse(scenarioStart), eventTimes(), Date.now(), o.minutes),
    scenarioNow: null,
    entries: {},
    skipped: [],
  };
  saveState(o.dir, state);
  return { state, fresh: true };
}

/**
 * The scenario clock for this run: fresh, it stands at the scenario's start a
 * few seconds from now (time to set up the channel); resumed, it continues
 * from where the last run stopped; none once the scenario reached the present.
 */
function clockFor(state: DemoState, fresh: boolean): ClockScenario | undefined {
  const now = Date.now();
  const pending = scenarioEvents.filter((e) => !state.entries[e.id] && !state.skipped.includes(e.id));
  const times = pending.map((e) => Date.parse(e.at));
  // A run killed before it saved any time starts the scenario over (entry times still never go backwards).
  if (fresh || state.scenarioNow === null)
    return demoSchedule(Date.parse(scenarioStart), now + setupMs, times, state.rate);
  if (state.scenarioNow >= now - 60_000) return undefined; // at the present already (within a minute): real time
  return demoSchedule(state.scenarioNow, now + 2000, times, state.rate);
}

/** Real time the nodes get to start and open the channel before the scenario stands at its start. */
const setupMs = 6000;

const eventTimes = () => scenarioEvents.map((e) => Date.parse(e.at));

/** Peers the two nodes (each pins the other's signed card) and opens the channel; returns its id once active on both. */
async function openChannel(root: string): Promise<string> {
  const [us, cn] = [nodeDir(root, 'us-js'), nodeDir(root, 'cn-jsd')];
  const usCard = await control(us, 'peer-card');
  const cnCard = await control(cn, 'peer-card');
  await control(us, 'peer-add', { card: cnCard });
  await control(cn, 'peer-add', { card: usCard });
  const offer = await control<{ id: string }>(us, 'channel-propose', {
    name: channelName,
    members: 'us-js,cn-jsd',
    mechanisms: demoMechanisms,
    glossary: demoGlossary,
  });
  await waitFor(async () => {
    try {
      await control(cn, 'channel-accept', { channel: offer.id });
      return true;
    } catch (error) {
      if (isParleyError(error, 'PARLEY_E_UNKNOWN_CHANNEL')) return false;
      throw error;
    }
  }, 'cn-jsd to receive the channel offer');
  await waitFor(async () => {
    for (const dir of [us, cn]) {
      const status = await statusOf(dir);
      if (status.channels.find((c) => c.id === offer.id)?.state !== 'active') return false;
    }
    return true;
  }, 'the channel to be active on both nodes');
  return offer.id;
}

async function waitFor(condition: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new ParleyError('PARLEY_E_TIMEOUT', { reason: `waited ${ms / 1000} s for ${what}` });
    await sleep(100);
  }
}

/** Waits until both nodes hold the same heads of every feed, twice in a row half a second apart. */
async function converged(root: string, channel: string): Promise<void> {
  let last = '';
  await waitFor(
    async () => {
      const heads = [];
      for (const side of sides)
        heads.push((await statusOf(nodeDir(root, side))).channels.find((c) => c.id === channel)?.heads);
      const text = JSON.stringify(heads.map((h) => Object.entries(h ?? {}).sort()));
      const same =
        JSON.stringify(Object.entries(heads[0] ?? {}).sort()) === JSON.stringify(Object.entries(heads[1] ?? {}).sort());
      const stable = same && text === last;
      last = text;
      if (!stable) await sleep(400);
      return stable;
    },
    'both nodes to hold the same record',
    60_000,
  );
}

function printHeader(
  o: DemoOptions,
  io: Io,
  fresh: boolean,
  nodes: Record<Side, DemoNode>,
  clockSpec: ClockScenario | undefined,
): void {
  const logins = readLogins(loginsFile(o.dir));
  io.out(`Parley demo — ${fresh ? 'started fresh' : 'resumed'} in ${o.dir}`);
  io.out(`${reconstruction}: the PRC–US military channel, Aug 2022 – Sep 2024, each event with its source.`);
  io.out('');
  for (const side of sides) {
    io.out(`${side.padEnd(7)} ${demoParties[side].names.en} / ${demoParties[side].names['zh-Hans']}`);
    io.out(`        console ${nodes[side].consoleUrl}   link ${nodes[side].linkUrl}`);
    for (const l of logins.filter((l) => l.party === side))
      io.out(`        ${l.user.padEnd(14)} ${l.password}   (${l.roles.join(', ')})`);
  }
  io.out(`logins are also in ${loginsFile(o.dir)}; sign in once the clock reaches the present (sessions run on it)`);
  io.out('');
  if (clockSpec)
    io.out(
      `scenario clock: ${new Date(clockSpec.start).toISOString()}, running ${clockSpec.rate}× real time between events and ${slowRate}× around them until it reaches the present (PARLEY_CLOCK_SCENARIO in ${stateFile(o.dir)})`,
    );
  if (fresh) io.out(prologue);
  io.out('');
}

/** What to try once the replay is done: evidence of silence on the first unanswered request. */
function printTryThis(o: DemoOptions, io: Io, state: DemoState): void {
  const request = state.entries['request-chod-2022'];
  io.out('');
  io.out('Try the record:');
  io.out(`  parley log    --dir ${nodeDir(o.dir, 'cn-jsd')} --channel ${state.channel}`);
  if (request)
    io.out(
      `  parley export --dir ${nodeDir(o.dir, 'us-js')} --prove-unanswered ${request.id} > silence.json && parley verify silence.json`,
    );
  io.out('  (the Aug 2022 request to the chiefs of defence: stored by cn-jsd, never answered — proven offline)');
}

/** Plays the events not yet played, each when the scenario clock reaches its time. */
class Replay {
  readonly #root: string;
  readonly #state: DemoState;
  readonly #channel: string;
  readonly #clock: Clock;
  readonly #io: Io;
  readonly #stopping: () => boolean;
  #noAct = false;

  constructor(root: string, state: DemoState, channel: string, clock: Clock, io: Io, stopping: () => boolean) {
    this.#root = root;
    this.#state = state;
    this.#channel = channel;
    this.#clock = clock;
    this.#io = io;
    this.#stopping = stopping;
  }

  /** True when every event was played (or skipped with a reason); false when stopped first. */
  async run(): Promise<boolean> {
    for (const event of scenarioEvents) {
      if (this.#state.entries[event.id] || this.#state.skipped.includes(event.id)) continue;
      if (!(await this.#until(Date.parse(event.at)))) return false;
      await this.#play(event);
      this.#state.scenarioNow = this.#clock.now();
      saveState(this.#root, this.#state);
    }
    return true;
  }

  /** Sleeps until the scenario clock reaches `at`; false if asked to stop first. */
  async #until(at: number): Promise<boolean> {
    for (;;) {
      if (this.#stopping()) return false;
      const ahead = at - this.#clock.now();
      if (ahead <= 0) return true;
      await sleep(Math.min(20, Math.max(1, Math.ceil(ahead / this.#state.rate))));
    }
  }

  async #play(e: ScenarioEvent): Promise<void> {
    const refs = this.#refsOf(e);
    const missing = refs.filter((r) => !this.#state.entries[r]);
    if (missing.length > 0 || (e.action.op === 'act' && this.#noAct)) {
      this.#skip(e, missing.length > 0 ? `depends on skipped ${missing.join(', ')}` : 'no act operation');
      return;
    }
    const dir = nodeDir(this.#root, e.by);
    await this.#holds(e.by, refs);
    const a = e.action;
    let result: { id: string; seq: number | null };
    try {
      if (a.op === 'send') result = await this.#send(dir, e);
      else if (a.op === 'ack') {
        const r = await control<{ id: string; seq?: number }>(dir, 'ack', {
          channel: this.#channel,
          entry: this.#state.entries[a.message]!.id,
          as: userName(e.by, 'operator'),
        });
        result = { id: r.id, seq: r.seq ?? null };
      } else {
        const body = this.#resolve(structuredClone(a.body)) as Record<string, unknown>;
        if (e.mark) mark(body, e.mark, markerOf(e));
        const role = a.type.startsWith('mechanism-') ? 'admin' : 'operator';
        const r = await control<{ id?: string; seq?: number; entry?: { id: string; seq: number } }>(dir, 'act', {
          channel: this.#channel,
          type: a.type,
          body,
          as: userName(e.by, role),
        });
        const id = r.id ?? r.entry?.id;
        if (!id)
          throw new ParleyError('PARLEY_E_INTERNAL', {
            reason: `act answered without an entry id: ${JSON.stringify(r)}`,
          });
        result = { id, seq: r.seq ?? r.entry?.seq ?? null };
      }
    } catch (error) {
      if (a.op === 'act' && isParleyError(error, 'PARLEY_E_USAGE') && /unknown operation act/.test(error.message)) {
        this.#noAct = true;
        this.#io.out('  (this build has no `act` operation yet: engagement events are skipped)');
        this.#skip(e, 'no act operation');
        return;
      }
      throw error;
    }
    this.#state.entries[e.id] = { ...result, author: e.by };
    const time = day(this.#clock.now());
    this.#io.out(`${time}Z  ${e.by.padEnd(6)}  ${e.what}`);
    this.#io.out(`${' '.repeat(26)}${e.basis}; source: ${e.source}`);
  }

  #skip(e: ScenarioEvent, why: string): void {
    this.#state.skipped.push(e.id);
    this.#io.out(`${' '.repeat(18)}skipped  ${e.what} (${why})`);
  }

  async #send(dir: string, e: ScenarioEvent): Promise<{ id: string; seq: number | null }> {
    const a = e.action as Extract<ScenarioEvent['action'], { op: 'send' }>;
    const sent = await control<{ id?: string; seq?: number; draft?: string }>(dir, 'send', {
      channel: this.#channel,
      precedence: a.precedence,
      subject: a.subject,
      text: `${a.text}\n\n${markerOf(e)}`,
      language: 'en',
      as: userName(e.by, 'operator'),
    });
    if (sent.id) return { id: sent.id, seq: sent.seq ?? null };
    // Two-person release: a second person, the releaser, releases the operator's draft.
    const released = await control<{ id: string; seq?: number }>(dir, 'release', {
      draft: sent.draft,
      as: userName(e.by, 'releaser'),
    });
    return { id: released.id, seq: released.seq ?? null };
  }

  /** Event ids this event's entry refers to. */
  #refsOf(e: ScenarioEvent): string[] {
    if (e.action.op === 'ack') return [e.action.message];
    if (e.action.op !== 'act') return [];
    return [...JSON.stringify(e.action.body).matchAll(/"@([a-z0-9-]+)"/g)].map((m) => m[1]!);
  }

  /** Waits until `side`'s node holds the other side's entries named by `refs` (they travel over the link). */
  async #holds(side: Side, refs: string[]): Promise<void> {
    const needed = refs.map((r) => this.#state.entries[r]!).filter((x) => x.author !== side && x.seq !== null);
    if (needed.length === 0) return;
    await waitFor(async () => {
      const status = await statusOf(nodeDir(this.#root, side));
      const heads = status.channels.find((c) => c.id === this.#channel)?.heads ?? {};
      return needed.every((n) => (heads[n.author] ?? 0) >= n.seq!);
    }, `${side} to receive the entries it answers`);
  }

  #resolve(value: unknown): unknown {
    if (typeof value === 'string' && value.startsWith('@')) return this.#state.entries[value.slice(1)]?.id ?? value;
    if (Array.isArray(value)) return value.map((v) => this.#resolve(v));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.#resolve(v)]));
    return value;
  }
}

/** Adds the reconstruction marker to a body's free-text field (a list gets it as its last item). */
function mark(body: Record<string, unknown>, field: string, marker: string): void {
  const value = body[field];
  if (Array.isArray(value)) body[field] = [...value, marker];
  else if (typeof value === 'string') body[field] = `${value} ${marker}`;
}
