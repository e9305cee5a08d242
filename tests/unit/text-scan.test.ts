// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { loadDictionary } from '../../src/core/dictionary.ts';
import { Scanner } from '../../src/core/scanner.ts';
import { scanSubtree } from '../../src/page/text-scan.ts';

const { compiled } = compileDictionary(
  {
    notNames: [],
    entities: [
      { id: 'hashemi', kind: 'official', name: 'Sattar Hashemi', description: 'd', aliases: ['Sattar Hashemi', { text: 'Hashemi', ambiguous: true }], source: 'test' },
      { id: 'beijing', kind: 'place', name: 'Beijing', description: 'd', aliases: ['Beijing'], source: 'test' },
      { id: 'china', kind: 'place', name: 'China', description: 'd', aliases: ['China'], source: 'test' },
      { id: 'iran', kind: 'place', name: 'Iran', description: 'd', aliases: ['Iran'], source: 'test' },
    ],
  },
  [],
);
const dict = loadDictionary(compiled);

/** What matched under body, each as its text and the index of the text node it starts in. */
function found(html: string): string[] {
  document.body.innerHTML = html;
  const texts: Text[] = [];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = w.nextNode(); n; n = w.nextNode()) texts.push(n as Text);
  return scanSubtree(document.body, new Scanner(dict), new Set(), null).map((m) => {
    const r = document.createRange();
    r.setStart(m.anchor.startNode, m.anchor.startOffset);
    r.setEnd(m.anchor.endNode, m.anchor.endOffset);
    return `${r.toString()}@${texts.indexOf(m.anchor.startNode)}`;
  });
}

describe('scanSubtree', () => {
  it('reads through inline markup', () => {
    expect(found('<p><b>Sattar</b> <a href="#">Hashemi</a> in Bei<i>jing</i></p>')).toEqual(['Sattar Hashemi@0', 'Beijing@3']);
  });

  it('never joins two blocks, even where the flat text would', () => {
    expect(found('<div>Sattar</div>\n<div>Hashemi</div>')).toEqual([]);
    expect(found('<ul><li>China</li><li>Iran</li></ul>')).toEqual(['China@0', 'Iran@1']);
    expect(found('<p>China</p><p>Iran<b>ian</b> news</p>')).toEqual(['China@0']);
  });

  it('treats a line break as a word break', () => {
    expect(found('<p>China<br>Iran</p>')).toEqual(['China@0', 'Iran@1']);
  });

  it('never reads scripts, styles, form fields or editable regions', () => {
    expect(
      found(
        '<script>Beijing</script><style>/*Beijing*/</style><textarea>Beijing</textarea><select><option>Beijing</option></select>' +
          '<div contenteditable="true">Beijing</div><noscript>Beijing</noscript><p>Beijing</p>',
      ),
    ).toEqual(['Beijing@6']);
  });

  it('scans nothing inside a skipped root', () => {
    document.body.innerHTML = '<div contenteditable="true"><p id="x">Beijing</p></div>';
    expect(scanSubtree(document.getElementById('x')!, new Scanner(dict), new Set(), null)).toEqual([]);
  });

  it('tells editable regions by their attributes as browsers do: false inside, invalid values inherit, plain text too', () => {
    const inside = (html: string): number => {
      document.body.innerHTML = html;
      return scanSubtree(document.getElementById('x')!, new Scanner(dict), new Set(), null).length;
    };
    expect(inside('<div contenteditable><p id="x">Beijing</p></div>')).toBe(0);
    expect(inside('<div contenteditable="plaintext-only"><p id="x">Beijing</p></div>')).toBe(0);
    expect(inside('<div contenteditable="TRUE"><p id="x">Beijing</p></div>')).toBe(0);
    expect(inside('<div contenteditable="true"><div contenteditable="false"><p id="x">Beijing</p></div></div>')).toBe(1);
    expect(inside('<div contenteditable="true"><div contenteditable="bogus"><p id="x">Beijing</p></div></div>')).toBe(0);
    expect(inside('<div contenteditable="bogus"><p id="x">Beijing</p></div>')).toBe(1);
    expect(inside('<div contenteditable="false"><p id="x">Beijing</p></div>')).toBe(1);
    // Walking down from the body, an editing host's whole content stays unread.
    expect(found('<div contenteditable="true"><p>Beijing <span contenteditable="false">China</span></p></div><p>Iran</p>')).toEqual(['Iran@2']);
    document.designMode = 'on';
    try {
      expect(inside('<p id="x">Beijing</p>')).toBe(0);
    } finally {
      document.designMode = 'off';
    }
  });
});
