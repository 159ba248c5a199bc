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
 */
export const camelCase = (params: Readonly<Record<string, string>>, known?: Readonly<Record<string, unknown>>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const name of Object.keys(params)) {
    if (!/^[a-z]+(_[a-z]+)*$/.test(name)) continue;
    const key = known?.[name] ? (names[name] ??= convert(name)) : convert(name);
    // `in` also sees inherited names: constructor, toString, __proto__ are never written.
    if (!(key in out)) out[key] = params[name]!;
  }
  return out;
};
