import { Problem } from '../validation/errors';

/**
 * Fluent Bit compiles its regular expressions with Onigmo (Ruby syntax); this library's tests
 * run the same expressions with JavaScript's RegExp. They only mean the same in a common
 * subset, so every expression the pipeline uses is checked against it:
 *
 * - allowed: literal characters, escapes `\\[ \\] \\{ \\} \\. \\( \\) \\\\ \\/ \\- \\+ \\* \\? \\| \\^ \\$`,
 *   `\\xHH`, `\\t`, `\\n`, `\\r`, `\\s`/`\\S` inside a character class, character classes
 *   `[...]`, groups `(?:...)`, named groups `(?<name>...)`, lookahead `(?=...)` / `(?!...)`,
 *   greedy and lazy quantifiers `* + ? {n} {n,m}` and `*? +? ??`, alternation, `^` and `$`;
 * - refused: lookbehind `(?<=` `(?<!`, atomic groups `(?>`, possessive quantifiers `*+ ++ ?+ }+`,
 *   inline options `(?i)`, absent operator `(?~`, conditionals, and the escapes that differ or
 *   only exist in one engine: `\\h \\H \\A \\z \\Z \\G \\K \\R \\X \\e \\p \\P \\k \\g \\d \\D \\w \\W \\b \\B \\u`
 *   and `\\s`/`\\S` outside a class (use `[0-9]`, `[A-Za-z0-9_]`, `[ \\t]`, `[\\s\\S]`);
 * - refused: `.`, which matches `\\r` in Onigmo and not in JavaScript (use `[\\s\\S]` or a class).
 *
 * Onigmo's `^` and `$` are line anchors (JavaScript's `m` flag); the tests run every sample with
 * and without that flag and expect the same captures.
 */
export function portableRegexProblem(source: string): Problem {
  if (typeof source !== 'string' || source.length === 0) return 'must be a non-empty regular expression';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[i + 1];
      if (n === undefined) return 'must not end with a lone backslash';
      if (n === 'x') {
        if (!/^[0-9A-Fa-f]{2}$/.test(source.slice(i + 2, i + 4))) return "must write '\\x' escapes with two hex digits";
        i += 3;
        continue;
      }
      if ((n === 's' || n === 'S') && inClass) {
        i++;
        continue;
      }
      if (!'[]{}.()\\/-+*?|^$tnr:=!<>,#&~ "\''.includes(n)) {
        return `must not use the escape '\\${n}': it is not read the same by Onigmo and JavaScript (use an explicit character class)`;
      }
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (c === '[') return "must not nest '[' inside a character class (escape it as '\\[')";
      continue;
    }
    if (c === '[') {
      inClass = true;
      // a ']' right after '[' or '[^' is a literal in Onigmo but ends the class in JavaScript
      const first = source[i + 1] === '^' ? source[i + 2] : source[i + 1];
      if (first === ']') return "must escape a ']' at the start of a character class";
      continue;
    }
    if (c === '.') return "must not use '.': Onigmo's matches '\\r' and JavaScript's does not (use a character class or [\\s\\S])";
    if (c === '(' && source[i + 1] === '?') {
      const rest = source.slice(i + 2);
      if (rest.startsWith(':') || rest.startsWith('=') || rest.startsWith('!')) continue;
      if (rest.startsWith('<=') || rest.startsWith('<!')) return 'must not use lookbehind';
      if (/^<[A-Za-z_][A-Za-z0-9_]*>/.test(rest)) continue;
      if (rest.startsWith('>')) return 'must not use atomic groups (?>...)';
      return `must not use the group syntax '(?${rest.slice(0, 2)}': only (?:...), (?<name>...), (?=...) and (?!...) mean the same in both engines`;
    }
    if ((c === '+') && i > 0 && '*+?}'.includes(source[i - 1]) && source[i - 2] !== '\\') {
      return 'must not use possessive quantifiers (*+, ++, ?+, {n}+)';
    }
  }
  if (inClass) return "must close every character class with ']'";
  try {
    // eslint-disable-next-line no-new
    new RegExp(source);
  } catch (e) {
    return `must compile as a JavaScript regular expression too: ${(e as Error).message}`;
  }
  return undefined;
}

/** The named groups of an expression, in order. */
export function namedGroups(source: string): string[] {
  const out: string[] = [];
  const re = /\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(source)) !== null) out.push(m[1]);
  return out;
}
