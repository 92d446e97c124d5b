import { IConstruct } from 'constructs';
import { invalid, showValue } from './errors';

/** The object names claimed so far in each app (by its root construct): `Kind/namespace/name` to the claimant's path and value. */
const CLAIMS = new WeakMap<IConstruct, Map<string, { path: string; value: string }>>();

/**
 * Claims the name of an object the construct `scope` makes: a second object of the same kind,
 * namespace (none for a cluster-scoped kind) and name in the app would silently replace the
 * first when applied, so the second
 * claim is refused, naming both constructs. O(1): a map per app, filled as constructs are made.
 *
 * @param field the prop that decides the name, for the error
 * @param value the prop's value, for the error
 */
export function claimObjectName(scope: IConstruct, kind: string, field: string, value: unknown,
  object: { readonly kind: string; readonly namespace?: string; readonly name: string }, why = ''): void {
  const root = scope.node.root;
  let claims = CLAIMS.get(root);
  if (!claims) {
    claims = new Map();
    CLAIMS.set(root, claims);
  }
  const key = `${object.kind}/${object.namespace ?? ''}/${object.name}`;
  const where = object.namespace === undefined ? 'cluster-wide' : `in namespace '${object.namespace}'`;
  const other = claims.get(key);
  const claim = { path: scope.node.path, value: showValue(value) };
  if (other !== undefined && (other.path !== claim.path || other.value !== claim.value)) {
    invalid(scope, kind, field, value,
      `must not make ${object.kind} '${object.name}' ${where} again: '${other.path}' makes it already for ${field} '${other.value}'${why}`);
  }
  claims.set(key, claim);
}
