/**
 * Checks of HTTP header values, so a credential that cannot be sent fails with an error naming the
 * field, never with the runtime's `TypeError`, whose message carries the whole value.
 *
 * @module
 */

/** A control character other than tab (CR, LF, NUL, ESC, DEL, ...) or a character above U+00FF. */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const NOT_IN_HEADER = /[\x00-\x08\x0a-\x1f\x7f]|[^\x00-\xff]/;

/**
 * True when `value` can be sent as an HTTP header value: no CR, LF, NUL or other control character
 * but tab, and no character above U+00FF (fetch's `Headers` rejects those).
 */
export function isValidHeaderValue(value: string): boolean {
  return !NOT_IN_HEADER.test(value);
}

/** A token (RFC 9110): the characters a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** True when `name` can be sent as an HTTP header name. */
export function isValidHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

/** What is wrong with a value {@linkcode isValidHeaderValue} refuses, without the value. */
export const INVALID_HEADER_VALUE =
  "holds a character that cannot be sent in an HTTP header (a line break, NUL or another control character)";
