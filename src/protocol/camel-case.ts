/**
 * Copies the lower-case wire parameters (`error_description`) of `params` under camelCase names
 * (`errorDescription`), leaving out any other name and any name `Object.prototype` has, so no
 * key can reach or shadow a prototype property.
 * @param params - decoded parameters
 */
// Names seen before, converted (a replace with a callback is slow): a handful of wire names.
const names: Record<string, string> = Object.create(null);

export const camelCase = (params: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const name in params) {
    if (!/^[a-z]+(_[a-z]+)*$/.test(name)) continue;
    const key = (names[name] ??= name.replace(/_(.)/g, (_, c: string) => c.toUpperCase()));
    // `in` also sees inherited names: constructor, toString, __proto__ are never written.
    if (!(key in out)) out[key] = params[name]!;
  }
  return out;
};
