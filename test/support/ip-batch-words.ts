/**
 * How `ip -batch` splits a line into words, ported from iproute2 `lib/utils.c`: `getcmdline()`
 * cuts the line at the first `#` (even inside quotes), `makeargs()` splits it on blanks
 * (" \t\r\n"), and a word that starts with `'` or `"` runs to the next same quote, with no
 * escapes. Tests use it to prove that a name reaches iproute2 as exactly one unchanged word.
 */

/** The words iproute2 reads from one `ip -batch` line; `null` where it would fail ("Unterminated quoted string"). */
export function ipBatchWords(line: string): string[] | null {
  const hash = line.indexOf("#");
  const text = hash < 0 ? line : line.slice(0, hash);
  const ws = " \t\r\n";
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && ws.includes(text[i] as string)) i++;
    if (i >= text.length) break;
    const c = text[i] as string;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return null;
      words.push(text.slice(i + 1, end));
      i = end; // the closing quote
    } else {
      let end = i;
      while (end < text.length && !ws.includes(text[end] as string)) end++;
      words.push(text.slice(i, end));
      i = end;
    }
    i++; // the closing quote or the blank after the word (makeargs overwrites it with NUL)
  }
  return words;
}
