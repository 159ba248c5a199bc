/**
 * Copies the lower-case wire parameters (`error_description`) of `params` under camelCase names
 * (`errorDescription`), leaving out any other name and any name `Object.prototype` has, so no
 * key can reach or shadow a prototype property.
 * @param params - decoded parameters
 */
export const camelCase = (params: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const name in params) {
    const key = name.replace(/_(.)/g, (_, c: string) => c.toUpperCase());
    // `in` also sees inherited names: constructor, toString, __proto__ are never written.
    if (/^[a-z]+(_[a-z]+)*$/.test(name) && !(key in out)) out[key] = params[name]!;
  }
  return out;
};
