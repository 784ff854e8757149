/** Builds `SET a = :a, ... REMOVE b, ...` with placeholder names for every attribute. */
export function updateExpression(set: Record<string, unknown>, remove: readonly string[] = [], add: Record<string, number> = {}) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const setParts: string[] = [];
  const addParts: string[] = [];
  let i = 0;
  for (const [attribute, value] of Object.entries(set)) {
    if (value === undefined) continue;
    names[`#u${i}`] = attribute;
    values[`:u${i}`] = value;
    setParts.push(`#u${i} = :u${i}`);
    i += 1;
  }
  for (const [attribute, value] of Object.entries(add)) {
    names[`#u${i}`] = attribute;
    values[`:u${i}`] = value;
    addParts.push(`#u${i} :u${i}`);
    i += 1;
  }
  const removeParts: string[] = [];
  for (const attribute of remove) {
    names[`#u${i}`] = attribute;
    removeParts.push(`#u${i}`);
    i += 1;
  }
  const expression = [
    setParts.length ? `SET ${setParts.join(', ')}` : '',
    removeParts.length ? `REMOVE ${removeParts.join(', ')}` : '',
    addParts.length ? `ADD ${addParts.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { expression, names, values };
}
