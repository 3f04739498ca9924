import { luhnValid, maskPan } from './card.js';

/** Between the digit groups of a hand-written card number: up to three spaces or dashes, also URL-encoded. */
const SEP = String.raw`(?:[\s+-]|%20|%2[dD]){1,3}`;
/** Digit groups joined by separators, not touching further digits (`4111 1111 1111 1111`, `4111-1111-…`). */
const DIGIT_GROUPS = new RegExp(String.raw`(?<![0-9])[0-9]+(?:${SEP}[0-9]+)*(?![0-9])`, 'g');
const GROUP_OR_SEP = new RegExp(String.raw`[0-9]+|${SEP}`, 'g');

/** The shortest and longest card numbers (ISO/IEC 7812: 12 for some Maestro cards, up to 19). */
const MIN_DIGITS = 12;
const MAX_DIGITS = 19;

function isCardNumber(digits: string): boolean {
  return digits.length >= MIN_DIGITS && digits.length <= MAX_DIGITS && luhnValid(digits);
}

function maskGroups(run: string): string {
  const parts = run.match(GROUP_OR_SEP) ?? [run];
  const groups = parts.filter((_, k) => k % 2 === 0);
  const seps = parts.filter((_, k) => k % 2 === 1);
  // A card number may sit anywhere among the groups (`12 4111 1111 1111 1111`): try every span of whole groups
  // with a plausible length, leftmost and then longest first.
  const out: string[] = [];
  let i = 0;
  while (i < groups.length) {
    let digits = '';
    let hit = -1;
    for (let j = i; j < groups.length; j++) {
      digits += groups[j];
      if (digits.length > MAX_DIGITS) break;
      if (isCardNumber(digits)) hit = j;
    }
    const end = hit >= 0 ? hit : i;
    out.push(hit >= 0 ? maskPan(groups.slice(i, hit + 1).join('')) : groups[i]!);
    if (end + 1 < groups.length) out.push(seps[end]!);
    i = end + 1;
  }
  return out.join('');
}

/**
 * Replaces every Luhn-valid card number in `text` (12–19 digits, plain or grouped by spaces or dashes, also
 * URL-encoded) with its masked form `****1234`. The one rule for card numbers in anything the gateway says or
 * writes: error messages, echoed payloads, pages, log lines.
 */
export function maskCardNumbers(text: string): string {
  return text.replace(DIGIT_GROUPS, (run) => (run.length >= MIN_DIGITS ? maskGroups(run) : run));
}

/** A JSON string literal, or a number token outside of strings. */
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"(\s*:)?|-?[0-9][0-9.eE+-]*/g;

/**
 * `maskCardNumbers` for JSON text, keeping it valid JSON: string literals (keys too) are decoded, masked and
 * re-encoded only when something changed; a bare number that is a card number becomes the string `"****1234"`.
 * Numbers under `keepNumbersOf` keys stay as they are (a log line's millisecond `time` has 13 digits).
 */
export function maskCardNumbersInJson(text: string, keepNumbersOf: readonly string[] = []): string {
  if (!/[0-9]{4}/.test(text)) return text;
  let lastKey: string | null = null;
  return text.replace(JSON_TOKEN, (token: string, colon: string | undefined) => {
    if (token.startsWith('"')) {
      const literal = colon ? token.slice(0, token.length - colon.length) : token;
      let masked = literal;
      if (/[0-9]/.test(literal)) {
        try {
          const value = JSON.parse(literal) as string;
          const replaced = maskCardNumbers(value);
          if (replaced !== value) masked = JSON.stringify(replaced);
          if (colon) lastKey = value;
        } catch {
          masked = maskCardNumbers(literal);
        }
      } else if (colon) {
        lastKey = literal.slice(1, -1);
      }
      if (!colon) lastKey = null;
      return colon ? masked + colon : masked;
    }
    const key = lastKey;
    lastKey = null;
    if (key !== null && keepNumbersOf.includes(key)) return token;
    const digits = token.replace(/^-/, '');
    return /^[0-9]+$/.test(digits) && isCardNumber(digits) ? JSON.stringify(maskPan(digits)) : token;
  });
}
