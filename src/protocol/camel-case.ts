// The known wire names, converted once (a replace with a callback is slow). Any other name is
// converted afresh each time, so names a server or an attacker makes up never fill the cache.
const names: Record<string, string> = Object.create(null);
/** The names converted and kept so far (for the tests: known wire names only). */
export const cachedNames = (): string[] => Object.keys(names);
const convert = (name: string) => name.replace(/_(.)/g, (_, c: string) => c.toUpperCase());

/**
 * Copies the lower-case wire parameters (`error_description`) of `params` under camelCase names
 * (`errorDescription`), leaving out any other name and any name `Object.prototype` has, so no
 * key can reach or shadow a prototype property.
 * @param params - decoded parameters
 * @param known - the wire names the caller knows (an object without a prototype): only their
 * conversions are cached
 * @param own - the names of `params`, when the caller has them already: its own keys, in order
 * @default Object.keys(params)
 */
export const camelCase = (
  params: Readonly<Record<string, string>>,
  known?: Readonly<Record<string, unknown>>,
  own: readonly string[] = Object.keys(params),
): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const name of own) {
    // A cached name passed the test below when it was cached: the common case skips it.
    let key = names[name];
    if (!key) {
      if (!/^[a-z]+(_[a-z]+)*$/.test(name)) continue;
      key = convert(name);
      if (known?.[name]) names[name] = key;
    }
    // `in` also sees inherited names: constructor, toString, __proto__ are never written.
    if (!(key in out)) out[key] = params[name]!;
  }
  return out;
};
