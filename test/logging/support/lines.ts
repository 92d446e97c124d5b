/**
 * Log lines as RobustMQ v0.4.11 writes them through tracing-subscriber (Full and JSON formats, with
 * and without ANSI colours), shared by the parser tests run on JavaScript's engine and on Onigmo.
 */
import { LogRecord } from './simulate';

export const ESC = '\x1b';
export const dim = (s: string) => `${ESC}[2m${s}${ESC}[0m`;
export const bold = (s: string) => `${ESC}[1m${s}${ESC}[0m`;
export const italic = (s: string) => `${ESC}[3m${s}${ESC}[0m`;
const COLOURS: Record<string, number> = { TRACE: 35, DEBUG: 34, INFO: 32, WARN: 33, ERROR: 31 };

/** A text line as tracing-subscriber's Full format writes it (level right-aligned to 5). */
export function textLine(level: string, target: string, message: string, spans = '', time = '2026-08-21T07:57:14.123456Z'): string {
  return `${time} ${level.padStart(5)} ${spans ? `${spans} ` : ''}${target}: ${message}`;
}

/** The same line with ANSI colours: dimmed time, coloured level, bold spans, dimmed target. */
export function ansiLine(level: string, target: string, message: string, spans: Array<[string, string?]> = [], time = '2026-08-21T07:57:14.123456Z'): string {
  const spanText = spans.map(([name, fields]) =>
    bold(name) + (fields ? `${bold('{')}${fields}${bold('}')}` : '') + dim(':')).join('');
  return `${dim(time)} ${ESC}[${COLOURS[level]}m${level.padStart(5)}${ESC}[0m ${spanText ? `${spanText} ` : ''}${dim(target)}${dim(':')} ${message}`;
}

/** A JSON line as tracing-subscriber's JSON format writes it. */
export function jsonLine(level: string, target: string, message: string, extra: LogRecord = {}, fields: LogRecord = {}): string {
  return JSON.stringify({ timestamp: '2026-08-21T07:57:14.123456Z', level, fields: { message, ...fields }, target, ...extra });
}

export const CONFIG_DUMP = [
  '2026-08-21T07:57:13.000100Z  INFO broker_server::common: loaded config: {',
  '  "cluster_name": "robustmq-cluster",',
  '  "broker_id": 1,',
  '  "roles": [',
  '    "meta",',
  '    "broker",',
  '    "engine"',
  '  ],',
  '  "grpc_port": 1228,',
  '  "http_port": 58080',
  '}',
];
