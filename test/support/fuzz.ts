import fc from "fast-check";

// What the fuzz tests share: a seed that can be given to reproduce a run, and fast-check's settings for bounded
// runs that stop at the first failure and say how to replay it.

/** The base seed: FUZZ_SEED when given (to replay a failure), else a fixed one so every run tries the same inputs. */
export const BASE_SEED = process.env.FUZZ_SEED === undefined ? 20261126 : Number(process.env.FUZZ_SEED);

/** A seed of its own for each property, derived from the base seed and the property's name. */
export function seedFor(name: string): number {
  let hash = BASE_SEED | 0;
  for (let i = 0; i < name.length; i++) hash = (Math.imul(hash, 31) + name.charCodeAt(i)) | 0;
  return hash;
}

/**
 * Runs a property a bounded number of times with a seed of its own. On failure the error names the property, its
 * seed and path (fast-check's `seed` and `path` options replay exactly that input) and the input itself.
 */
export async function fuzz<Ts extends [unknown, ...unknown[]]>(
  name: string,
  numRuns: number,
  property: fc.IAsyncPropertyWithHooks<Ts> | fc.IProperty<Ts>
): Promise<void> {
  const seed = seedFor(name);
  const result = await fc.check(property as fc.IAsyncProperty<Ts>, { seed, numRuns, endOnFailure: true });
  if (!result.failed) return;
  const cause = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  throw new Error(
    `${name}: fails with seed ${result.seed} and path "${result.counterexamplePath ?? ""}" ` +
      `(replay: FUZZ_SEED=${BASE_SEED}, or fc.assert(…, { seed: ${result.seed}, path: "${
        result.counterexamplePath ?? ""
      }" }))\n` +
      `input: ${fc.stringify(result.counterexample)}\n${cause}`
  );
}

/** Strings that break naive code: empty, blank, control characters, unicode beyond the BMP, huge. */
export const NASTY_STRINGS = [
  "",
  " ",
  "\t",
  "\n\r\n",
  "\u0000",
  "\u202e\u0041",
  "💥",
  "\ud800",
  "Zoë 東京 🏭",
  "'; drop table plant; --",
  "<script>alert(1)</script>",
  "%",
  "%zz",
  "../../etc/passwd",
  "null",
  "undefined",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "x".repeat(10_000),
  "é".repeat(70_000),
];

/** Numbers and dates as text, in and out of range. */
export const NUMBERS_AND_DATES = [
  "0",
  "-1",
  "1.5",
  "1e3",
  "1e308",
  "-1e308",
  "NaN",
  "Infinity",
  "0x10",
  " 12 ",
  "12abc",
  "9".repeat(40),
  "9007199254740993",
  "-0",
  "2026-02-30",
  "2026-13-01",
  "0000-00-00",
  "9999-12-31",
  "+275760-09-13",
  "-271821-04-20",
  "2026-03-29T02:30",
  "2026-10-25T02:30",
  "1970-01-01T00:00:00Z",
  "2026-11-26T25:61:00Z",
  "24:00",
  "23:59:60",
  "99:99",
  "-05:00",
  "+14:00",
  "+99:99",
];

/** A text value a form field might get: anything from the lists, random unicode, or random printable text. */
export function textValue(extra: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...extra) },
    { weight: 2, arbitrary: fc.constantFrom(...NUMBERS_AND_DATES) },
    { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
    { weight: 1, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.double().map(String) }
  );
}
