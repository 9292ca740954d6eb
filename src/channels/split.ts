const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

/**
 * Splits a reply into messages of at most `limit` characters for channels with a length limit.
 * Breaks fall between lines where possible, and never leave a code block open: a block longer
 * than a message is closed at the break and reopened, with its language, in the next message.
 */
export function splitMessage(text: string, limit: number): string[] {
  if (text.length <= limit) return [text];
  const messages: string[] = [];
  let current: string[] = [];
  let length = 0;
  /** The line that opened the code block we are in, if any. */
  let opener: string | undefined;

  const closer = (line: string) => FENCE.exec(line)![1];
  const flush = () => {
    const body = current.join('\n');
    if (body.trim() !== '') messages.push(opener ? `${body}\n${closer(opener)}` : body);
    current = opener ? [opener] : [];
    length = opener ? opener.length : 0;
  };
  const add = (piece: string) => {
    const reserve = opener ? closer(opener).length + 1 : 0;
    const added = (current.length > 0 ? 1 : 0) + piece.length;
    const onlyOpener = opener !== undefined && current.length === 1;
    if (length + added + reserve > limit && current.length > 0 && !onlyOpener) flush();
    length += (current.length > 0 ? 1 : 0) + piece.length;
    current.push(piece);
  };

  for (const line of text.split('\n')) {
    const room = Math.max(1, limit - (opener ? opener.length + closer(opener).length + 2 : 0));
    for (let start = 0; start === 0 || start < line.length; start += room) add(line.slice(start, start + room));
    const fence = FENCE.exec(line);
    if (!fence) continue;
    if (!opener) opener = line;
    else if (fence[1][0] === closer(opener)[0] && fence[1].length >= closer(opener).length && line.trim() === fence[1]) opener = undefined;
  }
  opener = undefined;
  flush();
  return messages;
}
