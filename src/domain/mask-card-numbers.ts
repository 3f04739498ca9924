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
 * What may stand between two digit groups of one decoded string in raw JSON text: a separator as it is, or
 * escaped (`\n`, `\t`). A superset of SEP's decoded forms, in any number, so that raw text with no long
 * enough run of digits surely holds no card number.
 */
const RAW_SEP = String.raw`(?:[\s+-]|%20|%2[dD]|\\[bfnrt])`;
const RAW_RUN = String.raw`[0-9]+(?:${RAW_SEP}+[0-9]+)*`;
const rawScans = new Map<string, RegExp>();

/** The scan for `keepNumbersOf`: its keys' bare numbers (`"time":1712345678901`) first, then digit runs. */
function rawScan(keepNumbersOf: readonly string[]): RegExp {
  const id = keepNumbersOf.join('\u0000');
  let scan = rawScans.get(id);
  if (!scan) {
    const keys = keepNumbersOf.map((k) => JSON.stringify(k).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const kept = keys.length ? String.raw`(?:${keys.join('|')})\s*:\s*-?[0-9]+|` : '';
    scan = new RegExp(kept + RAW_RUN, 'g');
    rawScans.set(id, scan);
  }
  return scan;
}

/**
 * Whether JSON text may hold a card number: false only when it surely does not, which is nearly every log line
 * and answer (amounts, dates and ids are shorter runs, or longer ones that fail the Luhn check), so that they
 * skip the token-by-token pass. Any `\u` escape sends the text to the full pass: it could be a digit
 * (`\u0030`–`\u0039`, which no serialiser here writes) or a separator.
 */
export function mayHoldCardNumber(text: string, keepNumbersOf: readonly string[] = []): boolean {
  if (text.includes('\\u')) return true;
  const scan = rawScan(keepNumbersOf);
  scan.lastIndex = 0;
  for (let m = scan.exec(text); m; m = scan.exec(text)) {
    const run = m[0];
    if (run.length < MIN_DIGITS || run.startsWith('"')) continue;
    // One group of digits alone (a network transaction id, say) is a card number only as a whole, as in the
    // full pass: decided here. Grouped runs go to the full pass.
    if (/^[0-9]+$/.test(run)) {
      if (isCardNumber(run)) return true;
      continue;
    }
    let digits = 0;
    for (let i = 0; i < run.length; i++) {
      const c = run.charCodeAt(i);
      if (c >= 48 && c <= 57 && ++digits >= MIN_DIGITS) return true;
    }
  }
  return false;
}

/**
 * `maskCardNumbers` for JSON text, keeping it valid JSON: string literals (keys too) are decoded, masked and
 * re-encoded only when something changed; a bare number that is a card number becomes the string `"****1234"`.
 * Numbers under `keepNumbersOf` keys stay as they are (a log line's millisecond `time` has 13 digits).
 */
export function maskCardNumbersInJson(text: string, keepNumbersOf: readonly string[] = []): string {
  return mayHoldCardNumber(text, keepNumbersOf) ? maskJsonTokens(text, keepNumbersOf) : text;
}

/** {@link maskCardNumbersInJson}'s token-by-token pass, run on every text (without the quick scan first). */
export function maskJsonTokens(text: string, keepNumbersOf: readonly string[] = []): string {
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
