/**
 * The credentials of `Authorization: Bearer <token>`. RFC 7235 makes the scheme case-insensitive, so `bearer`
 * and `BEARER` are accepted, and so is any run of spaces or tabs after it (Node has already trimmed the
 * value's ends). Every spelling yields the same token, so limits keyed on the token cannot be dodged by
 * re-spelling the header.
 */
export function bearerToken(authorization: string | undefined): string | null {
  const match = /^bearer[ \t]+([^\s]{1,512})$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}
