import { IConstruct } from 'constructs';

/** Metadata type under which warnings are recorded on a construct. */
export const WARNING_METADATA = 'robustmq-observability:warning';

/**
 * Records a warning on a construct (readable with `warningsOf`) and prints it to stderr,
 * prefixed with the construct's path.
 */
export function warn(scope: IConstruct, message: string): void {
  scope.node.addMetadata(WARNING_METADATA, message);
  if (process.env.ROBUSTMQ_OBSERVABILITY_QUIET !== '1') {
    process.stderr.write(`warning: ${scope.node.path}: ${message}\n`);
  }
}

/** Every warning recorded on `scope` and its children, as `path: message`. */
export function warningsOf(scope: IConstruct): string[] {
  const out: string[] = [];
  for (const c of scope.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type === WARNING_METADATA) out.push(`${c.node.path}: ${m.data}`);
    }
  }
  return out;
}
