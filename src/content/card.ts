/**
 * The hover card, in the shadow root of the extension's one element (created on first use, so a
 * page where nobody hovers an entity gets no node at all).
 */
import type { EntityRecord, SeedArticle } from '../core/dictionary.ts';
import { KIND_LABEL, articleLine } from '../core/labels.ts';
import type { UiHost } from './ui-host.ts';



const CARD_CSS = `
:host { all: initial; }
.card { position: fixed; box-sizing: border-box; max-width: min(26rem, calc(100vw - 16px)); max-height: min(24rem, calc(100vh - 16px));
  overflow: auto; padding: 10px 12px; background: #fff; color: #1d1d1f; border: 1px solid #c7c7cc; border-radius: 8px;
  box-shadow: 0 6px 24px rgba(0,0,0,.18); font: 13px/1.45 system-ui, sans-serif; text-align: left; z-index: 2147483647; }
.card[hidden] { display: none; }
.card:focus { outline: 2px solid #0a66c2; }
.kind { display: inline-block; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em;
  padding: 1px 6px; border-radius: 4px; margin-right: 6px; vertical-align: 1px; }
.kind.official { background: #ffe08a; } .kind.person { background: #ffccbc; } .kind.agreement { background: #e4c6ee; } .kind.organisation { background: #bcdcfa; }
.kind.event { background: #f8c4bf; } .kind.place { background: #c5e6c6; } .kind.topic { background: #b9e3de; }
h2 { display: inline; font-size: 15px; margin: 0; }
p { margin: 6px 0; }
h3 { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: #6e6e73; margin: 10px 0 4px; }
ul { margin: 0; padding-left: 16px; }
li { margin: 3px 0; }
.source { color: #6e6e73; }
q { font-style: italic; }
.local { font-size: 15px; margin: 2px 0; }
button.more { margin: 8px 12px 0 0; font: inherit; color: #0a66c2; background: none; border: 0; padding: 0; text-decoration: underline; cursor: pointer; }
`;

export class EntityCard {
  private card: HTMLElement | null = null;
  private shownId: string | null = null;

  constructor(
    private readonly doc: Document,
    private readonly host: UiHost,
    /** Opens the extension's coverage page of an entity. */
    private readonly openCoverage: (entityId: string) => void,
    /** Opens the dictionary page at an entity. */
    private readonly openDictionary: (entityId: string) => void,
  ) {}

  get visibleEntity(): string | null {
    return this.card && !this.card.hidden ? this.shownId : null;
  }

  private ensure(): HTMLElement {
    if (this.card?.isConnected) return this.card;
    const card = this.doc.createElement('div');
    card.className = 'card';
    card.setAttribute('role', 'dialog');
    card.tabIndex = -1;
    card.hidden = true;
    this.host.root(CARD_CSS).append(card);
    this.card = card;
    return card;
  }

  /** Shows the card for `entity` next to `anchor` (a rectangle in viewport coordinates). */
  show(entity: EntityRecord, articles: readonly SeedArticle[], anchor: DOMRect): void {
    const card = this.ensure();
    if (this.shownId !== entity.id || card.hidden) {
      card.replaceChildren(...this.render(entity, articles));
      card.setAttribute('aria-label', `${KIND_LABEL[entity.kind]}: ${entity.name}`);
      this.shownId = entity.id;
    }
    card.hidden = false;
    const view = this.doc.defaultView!;
    const width = card.offsetWidth;
    const height = card.offsetHeight;
    let left = Math.min(anchor.left, view.innerWidth - width - 8);
    let top = anchor.bottom + 6;
    if (top + height > view.innerHeight - 8) top = Math.max(8, anchor.top - height - 6);
    left = Math.max(8, left);
    card.style.left = `${left}px`;
    card.style.top = `${top}px`;
  }

  hide(): void {
    if (this.card) this.card.hidden = true;
  }

  destroy(): void {
    this.card?.remove();
    this.card = null;
  }

  private render(entity: EntityRecord, articles: readonly SeedArticle[]): Node[] {
    const d = this.doc;
    const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] => {
      const e = d.createElement(tag);
      if (text !== undefined) e.textContent = text;
      if (className) e.className = className;
      return e;
    };
    const out: Node[] = [];
    const head = el('div');
    head.append(el('span', KIND_LABEL[entity.kind], `kind ${entity.kind}`), el('h2', entity.name));
    out.push(head);
    // The name as the page's own language writes it, where the dictionary has it.
    const pageLang = (d.documentElement.lang || '').toLowerCase().split('-')[0];
    const local = pageLang ? entity.aliases.find((a) => a.lang?.toLowerCase().split('-')[0] === pageLang && a.text !== entity.name) : undefined;
    if (local?.lang) {
      const line = el('p', local.text, 'local');
      line.lang = local.lang;
      line.dir = 'auto';
      out.push(line);
    }
    out.push(el('p', entity.description));

    // Pattern aliases describe wordings rather than name them: not listed as names.
    const others = entity.aliases.filter((a) => !a.pattern).map((a) => a.text).filter((t) => t !== entity.name);
    if (others.length) {
      out.push(el('h3', 'Also named'));
      out.push(el('p', others.join(' · ')));
    }
    const byFile = new Map(articles.map((a) => [a.file, a]));
    if (entity.author) out.push(el('p', entity.author.id === 'local' ? 'Added by you' : `Added by ${entity.author.name || 'a teammate'}`, 'source'));
    if (entity.evidence.length) {
      out.push(el('h3', entity.pack === 'seed' ? 'In the seed articles' : 'Where it was named'));
      const list = el('ul');
      for (const ev of entity.evidence.slice(0, 6)) {
        const a = byFile.get(ev.file);
        const li = el('li');
        li.append(el('span', `${a ? articleLine(a) : ev.file}: `, 'source'), el('q', ev.sentence));
        list.append(li);
      }
      if (entity.evidence.length > 6) list.append(el('li', `and ${entity.evidence.length - 6} more`, 'source'));
      out.push(list);
    } else if (entity.source) {
      out.push(el('h3', 'Source'), el('p', entity.source));
    }
    if (entity.claims.some((c) => c.sources.length > 1)) {
      out.push(el('h3', 'Where the sources differ'));
      const list = el('ul');
      for (const c of entity.claims.filter((x) => x.sources.length > 1)) {
        const li = el('li', `${c.about}: `);
        c.sources.forEach((s, i) => {
          const a = byFile.get(s.file);
          if (i) li.append(' / ');
          li.append(el('span', `${a?.outlet ?? s.file} `, 'source'), el('q', s.quote));
        });
        list.append(li);
      }
      out.push(list);
    }
    const more = el('button', `All coverage of ${entity.name}`, 'more');
    more.type = 'button';
    more.addEventListener('click', (e) => e.isTrusted && this.openCoverage(entity.id));
    const edit = el('button', entity.pack === 'seed' ? 'In the dictionary' : 'Edit in the dictionary', 'more');
    edit.type = 'button';
    edit.addEventListener('click', (e) => e.isTrusted && this.openDictionary(entity.id));
    const row = el('div', undefined, 'links');
    row.append(more, edit);
    out.push(row);
    return out;
  }
}
