// Every object comes out without a prototype and with no "__proto__" member, so nothing parsed can
// reach Object.prototype: not on reading (`claims.constructor` is undefined), and not when the
// result is later spread or `Object.assign`ed.
const revive = (key: string, value: unknown): unknown =>
  key == "__proto__" ? undefined : value && typeof value == "object" && !Array.isArray(value) ? Object.assign(Object.create(null), value) : value;

/**
 * Parses JSON text whose top level must be an object, without any risk of prototype pollution:
 * objects in the result have no prototype and `__proto__` members are dropped.
 * @param text - JSON text
 * @returns the object, or `undefined` when `text` is not JSON or not a JSON object
 */
export const parseJsonObject = (text: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(text, revive);
    if (value && typeof value == "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // malformed: reported as undefined below
  }
  return undefined;
};
