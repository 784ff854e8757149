const isLoneSurrogateAt = (text: string, index: number): boolean => {
  const code = text.charCodeAt(index);
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = text.charCodeAt(index + 1);
    return !(next >= 0xdc00 && next <= 0xdfff);
  }
  if (code >= 0xdc00 && code <= 0xdfff) {
    const previous = text.charCodeAt(index - 1);
    return !(previous >= 0xd800 && previous <= 0xdbff);
  }
  return false;
};

const isControl = (code: number): boolean => code < 0x20 || (code >= 0x7f && code <= 0x9f);

/**
 * Free text a person may type: well-formed Unicode (a lone surrogate is not
 * text, and DynamoDB would refuse or mangle it) and no control characters,
 * except tab and line breaks where `multiline` says so.
 */
export function isAcceptableText(text: string, options: { multiline?: boolean } = {}): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (isLoneSurrogateAt(text, i)) return false;
    if (isControl(code) && !(options.multiline && (code === 0x09 || code === 0x0a || code === 0x0d))) return false;
  }
  return true;
}
