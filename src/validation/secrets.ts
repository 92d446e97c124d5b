import { Problem } from './errors';

/**
 * Credentials only ever come from a Secret: these checks refuse a value that carries one inline,
 * and hide one in an error message.
 */

// password=..., passwd: ..., http_passwd ..., a URL with user:password@.
const INLINE_PASSWORD = [
  /(?:^|[^a-z0-9])(?:http_)?passw(?:or)?d\s*[=:]\s*\S/i,
  /http_passwd\s+\S/i,
  /[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i,
];

/**
 * Refuses a value that looks like it carries a password inline (`password=...`,
 * `http_passwd ...`, `https://user:pass@host`). Credentials only come from a Secret.
 */
export function noInlinePassword(value: string): Problem {
  if (typeof value === 'string' && INLINE_PASSWORD.some((re) => re.test(value))) {
    return 'must not carry a password: credentials come only from a Secret (elasticsearchSecret with keys username and password), never inline';
  }
  return undefined;
}

/** A value with what looks like an inline password replaced by `<hidden>`, for error messages. */
export function maskPasswords(value: string): string {
  return value
    .replace(/((?:http_)?passw(?:or)?d\s*[=:]\s*|http_passwd\s+)\S+/gi, '$1<hidden>')
    .replace(/(:\/\/[^/@\s]*:)[^/@\s]*@/g, '$1<hidden>@');
}
