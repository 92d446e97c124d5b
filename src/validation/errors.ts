import { IConstruct } from 'constructs';

/**
 * The one error type every construct of this library throws for a bad input.
 *
 * Its message names the construct (kind and path), the field, the bad value and what is
 * allowed, for example:
 * `RobustMqCluster 'prod/robustmq': replicas '0' must be a whole number of at least 1`.
 *
 * Exported from the package's entry point (`import { ValidationError } from
 * 'cdk8s-robustmq-observability'`) for `instanceof` checks; jsii cannot carry a subclass of
 * `Error` to other languages, so it is not part of the jsii assembly.
 */
export class ValidationError extends Error {
  /** The construct path, or the CLI flag, the error is about. */
  public readonly subject: string;
  /** The field (property or flag) whose value was refused. */
  public readonly field: string;
  /** The refused value, as shown in the message. */
  public readonly value: string;
  /** What is wrong and what is allowed (`must be ...`). */
  public readonly problem: string;

  constructor(subject: string, field: string, message: string, value = '', problem = '') {
    super(message);
    this.name = 'ValidationError';
    this.subject = subject;
    this.field = field;
    this.value = value;
    this.problem = problem;
    Object.setPrototypeOf(this, ValidationError.prototype);
  }
}

/**
 * Renders a value for an error message: strings as they are, everything else as JSON.
 */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'undefined';
  // JSON has no NaN or Infinity: it would show them as 'null'.
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? String(value);
  } catch {
    // A circular structure, or one too deep to write out.
    return Object.prototype.toString.call(value);
  }
}

/**
 * Throws a ValidationError about `field` of the construct `scope`.
 *
 * @param scope the construct whose input is refused
 * @param kind the construct's class name, e.g. `RobustMqCluster`
 * @param field the property, e.g. `replicas` or `env.POD_NAME`
 * @param value the refused value
 * @param problem what is wrong and what is allowed, e.g. `must be a whole number of at least 1`
 */
export function invalid(scope: IConstruct, kind: string, field: string, value: unknown, problem: string): never {
  const path = scope.node.path;
  throw new ValidationError(path, field, `${kind} '${path}': ${field} '${showValue(value)}' ${problem}`, showValue(value), problem);
}

/**
 * A check returns undefined when the value is fine, or the problem as text
 * (`must be ...`) so that constructs and the CLI word their errors the same way.
 */
export type Problem = string | undefined;

/**
 * Runs `problem` and throws a ValidationError naming the construct and field if there is one.
 */
export function check(scope: IConstruct, kind: string, field: string, value: unknown, problem: Problem): void {
  if (problem !== undefined) {
    invalid(scope, kind, field, value, problem);
  }
}
