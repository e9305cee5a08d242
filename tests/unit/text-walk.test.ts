// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { loadDictionary } from '../../src/core/dictionary.ts';
import { Scanner } from '../../src/core/scanner.ts';
import { walkText, type WalkedText } from '../../src/page/text-walk.ts';

const { compiled } = compileDictionary(
  {
    notNames: [],
    entities: [
      { id: 'hashemi', kind: 'official', name: 'Sattar Hashemi', description: 'd', aliases: ['Sattar Hashemi'], source: 'test' },
      { id: 'beijing', kind: 'place', name: 'Beijing', description: 'd', aliases: ['Beijing'], source: 'test' },
    ],
  },
  [],
);

function found(html: string): string[] {
  document.body.innerHTML = html;
  const scanner = new Scanner(loadDictionary(compiled));
  const walked: WalkedText = { nodes: [], starts: [] };
  walkText(document.body, scanner, walked, null);
  // Raw offsets as the scanner counts them: node texts at their starts, a space where a <br> was.
  const raw = Array.from({ length: scanner.rawLength }, () => ' ');
  walked.nodes.forEach((n, k) => raw.splice(walked.starts[k], n.data.length, ...n.data));
  return scanner.finish().map((m) => {
    let i = 0;
    while (i + 1 < walked.starts.length && walked.starts[i + 1] <= m.start) i++;
    return `${raw.slice(m.start, m.end).join('')}@${i}`;
  });
}

describe('walkText', () => {
  it('reads through inline markup', () => {
    expect(found('<p><b>Sattar</b> <a href="#">Hashemi</a> in Bei<i>jing</i></p>')).toEqual(['Sattar Hashemi@0', 'Beijing@3']);
  });

  it('treats a line break as a space and a block as a boundary', () => {
    expect(found('<p>Sattar<br>Hashemi</p>')).toEqual(['Sattar Hashemi@0']);
    expect(found('<div>Sattar</div><div>Hashemi</div>')).toEqual([]);
    expect(found('<li>Sattar</li><li>Hashemi</li>')).toEqual([]);
  });

  it('never reads scripts, styles, form fields or editable regions', () => {
    expect(
      found(
        '<script>Beijing</script><style>/*Beijing*/</style><textarea>Beijing</textarea><select><option>Beijing</option></select>' +
          '<div contenteditable="true">Beijing</div><noscript>Beijing</noscript><p>Beijing</p>',
      ),
    ).toEqual(['Beijing@0']);
  });
});
