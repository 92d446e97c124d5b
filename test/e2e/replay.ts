import * as http from 'http';
import { AddressInfo } from 'net';
import { labelText, parseTestSeries, Points } from './backfill';
import { Target } from './prometheus';
import { TestSeries } from '../../src/alerts/engine';

/**
 * A promtool test case replayed live: its history (every minute before the evaluation) as TSDB
 * blocks, and from then on scrape targets that answer as the case's series stand at the
 * evaluation minute, counters growing at the rate of its last minute. The targets and their
 * labels are read off the case's own `up` series (the labels the ServiceMonitor gives a pod), so
 * the real Prometheus scrapes them, adds those labels, renames RobustMQ's own `service` label to
 * `exported_service` and computes `up` and `scrape_duration_seconds` itself.
 *
 * Cases live side by side in one Prometheus, each in its own namespace, and targets that several
 * cases share (the kubelet, kube-state-metrics) serve all their series, as they do in a cluster.
 */

type Labels = { [key: string]: string };

/** One case: its series in promtool's notation and the minute it is evaluated at. */
export interface ReplayCase {
  readonly series: readonly TestSeries[];
  readonly evalMinute: number;
}


/** A series a live target serves: its own labels (without the target's), value and growth. */
interface LiveSeries {
  readonly text: string;
  readonly value: number;
  readonly perSecond: number;
}

/** A scrape target of the replay. */
export interface LiveTarget {
  /** The target labels, `job` and `instance` included. */
  readonly labels: Labels;
  /** Answer 503, as a pod that does not. */
  down: boolean;
  /** Seconds to wait before answering (a slow scrape). */
  delaySeconds: number;
  /** The scrape interval and timeout of the job, when not the server's. */
  scrapeInterval?: string;
  scrapeTimeout?: string;
  readonly series: LiveSeries[];
}

/** What a set of cases becomes: the history to backfill and the targets to serve. */
export interface ReplayPlan {
  readonly history: Points[];
  readonly targets: LiveTarget[];
}

/** The labels of a target that no `up` series names (the kubelet, kube-state-metrics, the log agent's counters). */
const SYNTHETIC_TARGET_LABELS = ['job', 'instance', 'metrics_path'];

/**
 * The last minutes of history are written at the pods' scrape interval, not a sample a minute:
 * Prometheus extrapolates a rate to its window's start only when the first sample is within 1.1
 * average intervals of it (promql/functions.go:549,588, extrapolatedRate), so minute-spaced history
 * followed by live samples seconds apart would read a rate up to a fifth low.
 */
const DENSE_MINUTES = 6;

/** Counters: a drop between two minutes is a reset (held, then the new value), not a decline. */
const COUNTER = /(_total|_count|_sum|_bucket)$/;

/** RobustMQ's own label that a target's `service` pushes aside (honor_labels false). */
const EXPORTED_PREFIX = 'exported_';

function key(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function isSubset(small: Labels, big: Labels): boolean {
  return Object.entries(small).every(([k, v]) => big[k] === v);
}

/** Scrape scheduling of the targets whose labels `podTarget` recognises (the RobustMQ pods'). */
export interface ReplayScrape {
  readonly podTarget: (labels: Labels) => boolean;
  readonly interval: string;
  readonly timeout: string;
}

/**
 * Plans the replay of `cases`. Recorded series (`a:b`) are left to the server's own rules.
 * A series no `up` series covers goes to a target of its job, instance and metrics path; one
 * without an instance gets one (the same in its history), since Prometheus gives every scraped
 * series an `instance`.
 */
export function planReplay(cases: readonly ReplayCase[], scrape: ReplayScrape, startS: number, denseStepS: number): ReplayPlan {
  const history: Points[] = [];
  const targets = new Map<string, LiveTarget>();
  const served = new Set<string>();
  cases.forEach((c, caseIndex) => {
    const parsed = c.series.map(parseTestSeries).filter((s) => !s.name.includes(':'));
    const E = c.evalMinute;
    // The case's targets: one per `up` series; absent at the evaluation minute, none (not discovered).
    const mine: Array<{ labels: Labels; target?: LiveTarget }> = [];
    for (const s of parsed.filter((x) => x.name === 'up')) {
      const v = s.values[E];
      let target: LiveTarget | undefined;
      if (v !== undefined) {
        if (targets.has(key(s.labels))) throw new Error(`case ${caseIndex}: a second target ${key(s.labels)}`);
        target = { labels: s.labels, down: v === 0, delaySeconds: 0, series: [] };
        if (scrape.podTarget(s.labels)) Object.assign(target, { scrapeInterval: scrape.interval, scrapeTimeout: scrape.timeout });
        targets.set(key(s.labels), target);
      }
      mine.push({ labels: s.labels, target });
    }
    for (const s of parsed) {
      const labels = s.labels;
      const v = s.values[E];
      if (s.name === 'up' || s.name.startsWith('scrape_')) {
        // Prometheus writes these itself; a slow scrape is a slow answer.
        const t = mine.find((m) => key(m.labels) === key(labels))?.target;
        if (s.name === 'scrape_duration_seconds' && t && v !== undefined && v > 0.5) t.delaySeconds = v;
      } else {
        const owner = mine.filter((m) => isSubset(m.labels, labels)).sort((a, b) => Object.keys(b.labels).length - Object.keys(a.labels).length)[0];
        let target: LiveTarget | undefined;
        let own: Labels;
        if (owner) {
          target = owner.target;
          own = Object.fromEntries(Object.entries(labels).filter(([k]) => owner.labels[k] === undefined));
        } else {
          const tl = Object.fromEntries(Object.entries(labels).filter(([k]) => SYNTHETIC_TARGET_LABELS.includes(k)));
          // Prometheus gives every scraped series its target's job and instance: a fixture without them is not what it stores.
          if (tl.instance === undefined || tl.job === undefined) throw new Error(`case ${caseIndex}: ${s.name}${labelText(labels)} has no job or instance`);
          own = Object.fromEntries(Object.entries(labels).filter(([k]) => tl[k] === undefined));
          target = targets.get(key(tl));
          if (!target) {
            target = { labels: tl, down: false, delaySeconds: 0, series: [] };
            targets.set(key(tl), target);
          }
        }
        // The exporter's own label of the name the target takes: served under its own name.
        own = Object.fromEntries(Object.entries(own).map(([k, x]) => [k.startsWith(EXPORTED_PREFIX) ? k.slice(EXPORTED_PREFIX.length) : k, x]));
        if (target && v !== undefined) {
          const text = `${s.name}${labelText(own)}`;
          const id = `${key(target.labels)} ${text}`;
          if (served.has(id)) throw new Error(`case ${caseIndex}: ${text} twice on one target`);
          served.add(id);
          const before = s.values[E - 1];
          target.series.push({ text, value: v, perSecond: before === undefined ? 0 : (v - before) / 60 });
        }
      }
      history.push({ name: s.name, labels, points: historyPoints(s.name, s.values, E, startS, denseStepS) });
    }
  });
  return { history, targets: [...targets.values()] };
}

/**
 * The samples before evaluation minute `E`, minute `E` at `startS`: one a minute, and in the
 * last DENSE_MINUTES one every `stepS` seconds, on the line to the next minute's value.
 */
function historyPoints(name: string, values: ReadonlyArray<number | undefined>, E: number, startS: number, stepS: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < E; i++) {
    const v = values[i];
    if (v === undefined) continue;
    const t = startS - (E - i) * 60;
    const next = values[i + 1];
    if (i < E - DENSE_MINUTES || next === undefined || next === v) {
      out.push([t, v]);
      continue;
    }
    const reset = COUNTER.test(name) && next < v;
    for (let x = 0; x < 60; x += stepS) out.push([t + x, reset ? v : v + ((next - v) * x) / 60]);
  }
  return out;
}

/** Serves a plan's targets from one HTTP server, each under its own path; values grow from `startMs`. */
export class ReplayExporter {
  public static async start(targets: readonly LiveTarget[], startMs: number): Promise<ReplayExporter> {
    const e = new ReplayExporter(targets, startMs);
    await new Promise<void>((resolve) => e.server.listen(0, '127.0.0.1', resolve));
    return e;
  }

  private readonly server: http.Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly targets: readonly LiveTarget[], startMs: number) {
    this.server = http.createServer((req, res) => {
      const m = /^\/replay\/(\d+)\/metrics$/.exec(req.url ?? '');
      const target = m ? this.targets[Number(m[1])] : undefined;
      if (!target || target.down) {
        res.writeHead(target ? 503 : 404).end();
        return;
      }
      const answer = () => {
        const elapsed = (Date.now() - startMs) / 1000;
        const body = target.series.map((s) => `${s.text} ${s.value + s.perSecond * elapsed}`).join('\n');
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(`${body}\n`);
      };
      if (target.delaySeconds === 0) return answer();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        answer();
      }, target.delaySeconds * 1000);
      this.timers.add(timer);
    });
  }

  /** The targets as a PrometheusServer scrapes them: the path per target in `__metrics_path__`. */
  public scrapeTargets(): Target[] {
    const a = this.server.address() as AddressInfo;
    return this.targets.map((t, i) => {
      const { job, ...rest } = t.labels;
      return {
        job,
        address: `127.0.0.1:${a.port}`,
        labels: { ...rest, __metrics_path__: `/replay/${i}/metrics` },
        scrapeInterval: t.scrapeInterval,
        scrapeTimeout: t.scrapeTimeout,
      };
    });
  }

  public async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
