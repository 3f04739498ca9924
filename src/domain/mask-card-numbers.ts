import { luhnValid, maskPan } from './card.js';

/**
 * Between the digit groups of a hand-written (or deliberately disguised) card number: up to eight of any
 * whitespace, invisible formatting character (zero-width space, word joiner, …) or the punctuation people and
 * programs put between groups (`. , : ; _ / \ | # * ~ + -`), also URL-encoded. Wide on purpose: a false
 * positive masks a number that was not a card; a false negative shows a card number.
 */
const SEP_CHAR = String.raw`[\s\p{Cf}.,:;_/\\|#*~+\-]|%(?:20|2[bBcCdDeEfF]|3[aAbB]|5[cCfF]|23|7[cC])`;
const SEP = String.raw`(?:${SEP_CHAR}){1,8}`;
/** Digit groups joined by separators, not touching further digits (`4111 1111 1111 1111`, `4111.1111.…`). */
const DIGIT_GROUPS = new RegExp(String.raw`(?<![0-9])[0-9]+(?:${SEP}[0-9]+)*(?![0-9])`, 'gu');
const GROUP_OR_SEP = new RegExp(String.raw`[0-9]+|${SEP}`, 'gu');
/** Anything outside ASCII: digits may then be written otherwise (full-width `４`, circled `④`, superscript). */
const NON_ASCII = /[\u0080-\uffff]/;

/** The shortest and longest card numbers (ISO/IEC 7812: 12 for some Maestro cards, up to 19). */
const MIN_DIGITS = 12;
const MAX_DIGITS = 19;

function isCardNumber(digits: string): boolean {
  return digits.length >= MIN_DIGITS && digits.length <= MAX_DIGITS && luhnValid(digits);
}

/** Decides whether a span of digit groups (`groups[from..to]`, its `digits` joined) is a card number. */
type CardTest = (digits: string, groups: readonly string[], from: number, to: number) => boolean;

/**
 * More groups in one run than any written number has: masking (not the stricter identifier check, whose
 * values are short) hides the run whole — too much rather than too little — instead of trying every span,
 * which let one request's body cost the event loop a tenth of a second (`1.1.1.1…` for 64 KiB).
 */
const MAX_GROUPS = 64;

function maskGroups(run: string, isCard: CardTest, maxGroups: number): string {
  const parts = run.match(GROUP_OR_SEP) ?? [run];
  const groups = parts.filter((_, k) => k % 2 === 0);
  const seps = parts.filter((_, k) => k % 2 === 1);
  if (groups.length > maxGroups) return maskPan(groups.join(''));
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
      if (isCard(digits, groups, i, j)) hit = j;
    }
    const end = hit >= 0 ? hit : i;
    out.push(hit >= 0 ? maskPan(groups.slice(i, hit + 1).join('')) : groups[i]!);
    if (end + 1 < groups.length) out.push(seps[end]!);
    i = end + 1;
  }
  return out.join('');
}

function maskWith(text: string, isCard: CardTest, minLength: number, maxGroups = Infinity): string {
  // Compatibility forms of digits become ASCII digits first (NFKC); a text with no card number in it is
  // returned as it was, one with a card number in its normalised form.
  const normal = NON_ASCII.test(text) ? text.normalize('NFKC') : text;
  const masked = normal.replace(DIGIT_GROUPS, (run) =>
    run.length >= minLength ? maskGroups(run, isCard, maxGroups) : run,
  );
  return masked === normal ? text : masked;
}

/**
 * Replaces every Luhn-valid card number in `text` (12–19 digits, plain or grouped by any separators SEP_CHAR
 * knows, also URL-encoded, in any digit form NFKC turns into ASCII) with its masked form `****1234`. The one rule for card numbers in anything the gateway says or
 * writes: error messages, echoed payloads, pages, log lines.
 */
export function maskCardNumbers(text: string): string {
  return maskWith(text, isCardNumber, MIN_DIGITS, MAX_GROUPS);
}

/** A JSON string literal, or a number token outside of strings. */
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"(\s*:)?|-?[0-9][0-9.eE+-]*/g;

/**
 * What may stand between two digit groups of one decoded string in raw JSON text: a separator as it is, or
 * escaped (`\n`, `\t`). A superset of SEP's decoded forms, in any number, so that raw text with no long
 * enough run of digits surely holds no card number.
 */
const RAW_SEP = String.raw`(?:${SEP_CHAR}|\\[bfnrt\\/])`;
/** A digit in any script or compatibility form (`\p{N}`): NFKC may turn it into an ASCII one. */
const RAW_RUN = String.raw`\p{N}+(?:${RAW_SEP}+\p{N}+)*`;
const rawScans = new Map<string, RegExp>();

/** The scan for `keepNumbersOf`: its keys' bare numbers (`"time":1712345678901`) first, then digit runs. */
function rawScan(keepNumbersOf: readonly string[]): RegExp {
  const id = keepNumbersOf.join('\u0000');
  let scan = rawScans.get(id);
  if (!scan) {
    const keys = keepNumbersOf.map((k) => JSON.stringify(k).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const kept = keys.length ? String.raw`(?:${keys.join('|')})\s*:\s*-?[0-9]+|` : '';
    scan = new RegExp(kept + RAW_RUN, 'gu');
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
    if ((run.match(/\p{N}/gu)?.length ?? 0) >= MIN_DIGITS) return true;
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
      if (/\p{N}/u.test(literal)) {
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

/** How card numbers are written in groups: groups of four (the last one shorter), or 4-6-5 and 4-6-4. */
function cardShaped(groups: readonly string[], from: number, to: number): boolean {
  if (from === to) return true;
  const last = groups[to]!.length;
  if (to - from === 2 && groups[from]!.length === 4 && groups[from + 1]!.length === 6)
    return last === 5 || last === 4;
  for (let k = from; k < to; k++) if (groups[k]!.length !== 4) return false;
  return last >= 1 && last <= 4;
}

/**
 * The leading digits of the card schemes a shop takes: American Express, Diners, JCB (3), Visa (4), Mastercard
 * and Maestro (5, 2221–2720), Discover, UnionPay, Maestro (6). Not 1 (a millisecond timestamp, 13 digits) nor
 * a year such as 2026.
 */
const SCHEME_PREFIX = /^(?:[3-6]|222[1-9]|22[3-9]|2[3-6]|27[01]|2720)/;

/**
 * Whether `text` holds a card number written as one: 13–19 digits passing the Luhn check and starting as a card
 * scheme's do, in one run or in the groups card numbers are written in (`4111 1111 1111 1111`,
 * `4111.1111.1111.1111`, `3782 822463 10005`), with any separators {@link maskCardNumbers} knows. Stricter than
 * the masking on purpose: it decides whether an identifier the shop chose (an `orderId`, a `cid`, a URL) is
 * refused, so a millisecond timestamp, a date-shaped id such as `2026-12-01/0001` or a 12-digit number passes,
 * where masking would rather hide too much than too little.
 */
export function cardNumberIn(text: string): boolean {
  return maskWrittenCardNumbers(text) !== text;
}

/** A span of digit groups written as a card number is ({@link cardNumberIn}). */
const writtenCardNumber: CardTest = (digits, groups, from, to) =>
  digits.length >= 13 &&
  digits.length <= MAX_DIGITS &&
  cardShaped(groups, from, to) &&
  SCHEME_PREFIX.test(digits) &&
  luhnValid(digits);

/**
 * Masks the card numbers {@link cardNumberIn} finds, and only those: what the gateway does to the values a
 * request brings, which must keep a timestamp, a date or a network transaction id intact.
 */
export function maskWrittenCardNumbers(text: string): string {
  if (!HAS_UUID.test(text)) return maskWith(text, writtenCardNumber, 13);
  // UUIDs are kept whole: about 160 in a million random ones hold a run of digit groups shaped like a card
  // number (`…-5944-4931-9903-60e8…`), and they are ids — the gateway's own (a profile, a shop, a transaction)
  // or a shop's orderId — which must never be refused. No card number written as one fits inside a UUID: its
  // digit groups are 8-4-4-4-12, and a card-shaped span needs a group cut off by a hex letter.
  let out = '';
  let last = 0;
  for (const m of text.matchAll(UUIDS)) {
    out += maskWith(text.slice(last, m.index), writtenCardNumber, 13) + m[0];
    last = m.index + m[0].length;
  }
  const masked = out + maskWith(text.slice(last), writtenCardNumber, 13);
  return masked === text ? text : masked;
}

// A whole token: a UUID pattern cut out of a longer run (`…1111abcd1234-…`) would take a card's digits with it.
const UUID = String.raw`(?<![0-9A-Za-z])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z])`;
const HAS_UUID = new RegExp(UUID);
const UUIDS = new RegExp(UUID, 'g');
