/**
 * In-page UI for saved highlights, in the extension's shadow root: the small "Save highlight"
 * button next to a selection, the editor for a new or existing highlight (note, tags, colour),
 * and the note shown on hover or focus with Edit and Delete. Notes are always set as text. The
 * same panel holds the "Add to dictionary" form for a selected name.
 */
import { HIGHLIGHT_COLOURS, parseTags, type HighlightColour, type SavedHighlight } from '../core/highlights.ts';
import type { UiHost } from './ui-host.ts';
import { ENTITY_KINDS, type EntityKind } from '../core/dictionary.ts';
import { KIND_LABEL } from '../core/labels.ts';

export interface NoteDraft {
  note: string;
  tags: string[];
  colour: HighlightColour;
}

const SWATCH: Record<HighlightColour, string> = {
  yellow: '#ffe066', green: '#8ce99a', blue: '#74c0fc', pink: '#faa2c1', purple: '#d0bfff',
};

const PANEL_CSS = `
.panel { position: fixed; box-sizing: border-box; width: min(22rem, calc(100vw - 16px)); max-height: min(26rem, calc(100vh - 16px));
  overflow: auto; padding: 10px 12px; background: #fff; color: #1d1d1f; border: 1px solid #c7c7cc; border-radius: 8px;
  box-shadow: 0 6px 24px rgba(0,0,0,.18); font: 13px/1.45 system-ui, sans-serif; text-align: left; z-index: 2147483647; }
.panel[hidden], .save[hidden] { display: none; }
.panel:focus { outline: 2px solid #0a66c2; }
blockquote { margin: 0 0 8px; padding-left: 8px; border-left: 3px solid #c7c7cc; color: #3a3a3c; font-style: italic; max-height: 5.8em; overflow: hidden; }
label { display: block; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; color: #6e6e73; margin: 8px 0 2px; }
textarea, input[type=text] { box-sizing: border-box; width: 100%; font: inherit; padding: 4px 6px; border: 1px solid #aeaeb2; border-radius: 4px; }
textarea { min-height: 4.5em; resize: vertical; }
fieldset { border: 0; padding: 0; margin: 8px 0 0; display: flex; gap: 6px; align-items: center; }
legend { float: left; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; color: #6e6e73; margin-right: 6px; }
.swatch { position: relative; }
.swatch input { position: absolute; opacity: 0; width: 20px; height: 20px; margin: 0; cursor: pointer; }
.swatch span { display: block; width: 18px; height: 18px; border-radius: 50%; border: 2px solid transparent; }
.swatch input:checked + span { border-color: #1d1d1f; }
.swatch input:focus-visible + span { outline: 2px solid #0a66c2; outline-offset: 1px; }
.actions { display: flex; gap: 8px; justify-content: flex-end; margin-top: 10px; }
button { font: inherit; padding: 3px 10px; border-radius: 4px; border: 1px solid #aeaeb2; background: #f2f2f7; color: #1d1d1f; cursor: pointer; }
button.primary { background: #0a66c2; border-color: #0a66c2; color: #fff; }
button.danger { color: #b00020; }
.note { white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; }
.note.empty { color: #6e6e73; font-style: italic; }
.tags { display: flex; flex-wrap: wrap; gap: 4px; margin: 4px 0; }
.tag { background: #e5e5ea; border-radius: 10px; padding: 0 8px; font-size: 12px; }
.by { color: #6e6e73; font-size: 12px; }
.error { color: #b00020; margin: 6px 0 0; }
select { font: inherit; padding: 3px 4px; border: 1px solid #aeaeb2; border-radius: 4px; }
.done { margin: 4px 0; }
.save, .add-entity { position: fixed; font: 600 12px/1 system-ui, sans-serif; padding: 6px 10px; border-radius: 14px; border: 0; background: #1d1d1f; color: #fff;
  box-shadow: 0 2px 8px rgba(0,0,0,.25); cursor: pointer; z-index: 2147483647; }
`;

export class NotePanel {
  private panel: HTMLElement | null = null;
  private saveButton: HTMLButtonElement | null = null;
  private addButton: HTMLButtonElement | null = null;
  private shownId: string | null = null;
  private restoreFocus: Element | null = null;

  constructor(
    private readonly doc: Document,
    private readonly host: UiHost,
  ) {}

  /** Id of the saved highlight whose note is open (or '' while composing a new one). */
  get visibleId(): string | null {
    return this.panel && !this.panel.hidden ? this.shownId : null;
  }

  get isEditing(): boolean {
    return this.visibleId !== null && this.panel?.querySelector('form') !== null;
  }

  private ensurePanel(): HTMLElement {
    if (this.panel?.isConnected) return this.panel;
    const panel = this.doc.createElement('div');
    panel.className = 'panel';
    panel.setAttribute('role', 'dialog');
    panel.tabIndex = -1;
    panel.hidden = true;
    panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        this.hide();
      }
    });
    this.host.root(PANEL_CSS).append(panel);
    this.panel = panel;
    return panel;
  }

  /**
   * Shows the "Save highlight" button just below the end of a selection, and beside it "Add to
   * dictionary" when the selection is short enough to be a name.
   */
  showSaveButton(rect: DOMRect, onClick: () => void, onAddEntity: (() => void) | null = null): void {
    const make = (label: string, className: string): HTMLButtonElement => {
      const b = this.button(label, className);
      // Keep the page's selection: the button must not take it on mousedown.
      b.addEventListener('mousedown', (e) => e.preventDefault());
      this.host.root(PANEL_CSS).append(b);
      return b;
    };
    if (!this.saveButton?.isConnected) this.saveButton = make('Save highlight', 'save');
    if (!this.addButton?.isConnected) this.addButton = make('Add to dictionary', 'add-entity');
    const b = this.saveButton;
    b.onclick = (e) => {
      if (e.isTrusted) onClick();
    };
    b.hidden = false;
    const view = this.doc.defaultView!;
    const left = Math.max(8, Math.min(rect.right - 40, view.innerWidth - 260));
    const top = Math.min(rect.bottom + 6, view.innerHeight - 36);
    b.style.left = `${left}px`;
    b.style.top = `${top}px`;
    const add = this.addButton;
    add.hidden = onAddEntity === null;
    add.onclick = onAddEntity && ((e) => {
      if (e.isTrusted) onAddEntity();
    });
    add.style.left = `${left + b.offsetWidth + 6}px`;
    add.style.top = `${top}px`;
  }

  hideSaveButton(): void {
    if (this.saveButton) this.saveButton.hidden = true;
    if (this.addButton) this.addButton.hidden = true;
  }

  /**
   * The "Add to dictionary" form for a selected name: the name (editable) and its kind. `submit`
   * resolves with what to tell the reader once the entity is stored, or rejects with the reason.
   */
  addEntity(name: string, anchor: DOMRect, submit: (draft: { name: string; kind: EntityKind }) => Promise<string>, openDictionary: () => void): void {
    this.hideSaveButton();
    const panel = this.ensurePanel();
    this.restoreFocus = this.doc.activeElement;
    const d = this.doc;
    const form = d.createElement('form');
    form.setAttribute('aria-label', 'Add to dictionary');
    const nameLabel = d.createElement('label');
    nameLabel.textContent = 'Name';
    const input = d.createElement('input');
    input.type = 'text';
    input.name = 'entity-name';
    input.value = name.replace(/\s+/g, ' ').trim();
    nameLabel.append(input);
    const kindLabel = d.createElement('label');
    kindLabel.textContent = 'Kind';
    const kind = d.createElement('select');
    kind.name = 'entity-kind';
    for (const k of ENTITY_KINDS) {
      const option = d.createElement('option');
      option.value = k;
      option.textContent = KIND_LABEL[k];
      kind.append(option);
    }
    kind.value = 'person';
    kindLabel.append(kind);
    const error = this.errorLine();
    const { actions, submit: add } = this.formActions('Add');
    form.append(nameLabel, kindLabel, error, actions);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      add.disabled = true;
      submit({ name: input.value, kind: kind.value as EntityKind })
        .then((message) => {
          const done = d.createElement('p');
          done.className = 'done';
          done.setAttribute('role', 'status');
          done.textContent = message;
          const row = d.createElement('div');
          row.className = 'actions';
          row.append(this.button('Open the dictionary', '', openDictionary), this.button('Close', 'primary', () => this.hide()));
          panel.replaceChildren(done, row);
          (row.lastElementChild as HTMLElement).focus();
        })
        .catch((err: unknown) => {
          error.textContent = `Not added: ${err instanceof Error ? err.message : String(err)}`;
          error.hidden = false;
          add.disabled = false;
        });
    });
    panel.replaceChildren(form);
    panel.setAttribute('aria-label', 'Add to dictionary');
    this.shownId = '';
    this.place(panel, anchor);
    kind.focus();
  }

  /** The editor, for a new highlight (`record` null) or to change a saved one. */
  edit(quote: string, record: SavedHighlight | null, anchor: DOMRect, submit: (draft: NoteDraft) => Promise<void>): void {
    this.hideSaveButton();
    const panel = this.ensurePanel();
    this.restoreFocus = this.doc.activeElement;
    const d = this.doc;
    const form = d.createElement('form');
    form.setAttribute('aria-label', record ? 'Edit highlight' : 'Save highlight');
    const q = d.createElement('blockquote');
    q.textContent = quote.length > 300 ? `${quote.slice(0, 300)}…` : quote;
    const noteLabel = d.createElement('label');
    noteLabel.textContent = 'Note';
    const note = d.createElement('textarea');
    note.name = 'note';
    note.value = record?.note ?? '';
    noteLabel.append(note);
    const tagsLabel = d.createElement('label');
    tagsLabel.textContent = 'Tags';
    const tags = d.createElement('input');
    tags.type = 'text';
    tags.name = 'tags';
    tags.placeholder = 'comma-separated';
    tags.value = record?.tags.join(', ') ?? '';
    tagsLabel.append(tags);
    const colours = d.createElement('fieldset');
    const legend = d.createElement('legend');
    legend.textContent = 'Colour';
    colours.append(legend);
    const current = record?.colour ?? HIGHLIGHT_COLOURS[0];
    for (const c of HIGHLIGHT_COLOURS) {
      const wrap = d.createElement('label');
      wrap.className = 'swatch';
      const input = d.createElement('input');
      input.type = 'radio';
      input.name = 'colour';
      input.value = c;
      input.checked = c === current;
      input.setAttribute('aria-label', c);
      const dot = d.createElement('span');
      dot.style.background = SWATCH[c];
      wrap.append(input, dot);
      colours.append(wrap);
    }
    const error = this.errorLine();
    const { actions, submit: save } = this.formActions('Save');
    form.append(q, noteLabel, tagsLabel, colours, error, actions);
    form.addEventListener('keydown', (e) => {
      if (e.isTrusted && e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const colour = (form.querySelector('input[name=colour]:checked') as HTMLInputElement | null)?.value as HighlightColour | undefined;
      save.disabled = true;
      submit({ note: note.value, tags: parseTags(tags.value), colour: colour ?? current })
        .then(() => this.hide())
        .catch((err: unknown) => {
          error.textContent = `Not saved: ${err instanceof Error ? err.message : String(err)}`;
          error.hidden = false;
          save.disabled = false;
        });
    });
    panel.replaceChildren(form);
    panel.setAttribute('aria-label', record ? 'Edit highlight' : 'Save highlight');
    this.shownId = record?.id ?? '';
    this.place(panel, anchor);
    note.focus();
  }

  /** Shows a saved highlight's note, with Edit and Delete. `focus` moves the keyboard into it. */
  view(record: SavedHighlight, anchor: DOMRect, focus: boolean, actions: { edit: () => void; remove: () => Promise<void> }): void {
    const panel = this.ensurePanel();
    if (this.shownId === record.id && !panel.hidden && !focus) return;
    const d = this.doc;
    const out: Node[] = [];
    const note = d.createElement('p');
    note.className = record.note ? 'note' : 'note empty';
    note.textContent = record.note || 'No note';
    out.push(note);
    if (record.tags.length) {
      const tags = d.createElement('div');
      tags.className = 'tags';
      for (const t of record.tags) {
        const span = d.createElement('span');
        span.className = 'tag';
        span.textContent = t;
        tags.append(span);
      }
      out.push(tags);
    }
    const by = d.createElement('p');
    by.className = 'by';
    by.textContent = `${record.creator.id === 'local' ? 'You' : record.creator.name || 'A teammate'}, ${record.modified.slice(0, 10)}`;
    out.push(by);
    const buttons = d.createElement('div');
    buttons.className = 'actions';
    const edit = this.button('Edit', '', actions.edit);
    const remove = this.button('Delete', 'danger');
    // Deleting asks once more, in place: no dialog the page could style or block.
    remove.addEventListener('click', (e) => {
      if (!e.isTrusted) return;
      if (remove.dataset.confirm !== 'yes') {
        remove.dataset.confirm = 'yes';
        remove.textContent = 'Delete for good?';
        return;
      }
      void actions.remove().then(() => this.hide());
    });
    buttons.append(edit, remove);
    out.push(buttons);
    panel.replaceChildren(...out);
    panel.setAttribute('aria-label', `Note on “${record.quote.exact.slice(0, 60)}”`);
    this.shownId = record.id;
    this.place(panel, anchor);
    if (focus) {
      this.restoreFocus = this.doc.activeElement;
      panel.focus();
    }
  }

  /** The hidden line a form fills with why it did not go through. */
  private errorLine(): HTMLParagraphElement {
    const error = this.doc.createElement('p');
    error.className = 'error';
    error.setAttribute('role', 'alert');
    error.hidden = true;
    return error;
  }

  /** A form's Cancel and submit buttons. */
  private formActions(submitLabel: string): { actions: HTMLElement; submit: HTMLButtonElement } {
    const actions = this.doc.createElement('div');
    actions.className = 'actions';
    const submit = this.button(submitLabel, 'primary');
    submit.type = 'submit';
    actions.append(this.button('Cancel', '', () => this.hide()), submit);
    return { actions, submit };
  }

  private button(label: string, className: string, onClick?: () => void): HTMLButtonElement {
    const b = this.doc.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (className) b.className = className;
    if (onClick) {
      b.addEventListener('click', (e) => {
        if (e.isTrusted) onClick();
      });
    }
    return b;
  }

  private place(panel: HTMLElement, anchor: DOMRect): void {
    panel.hidden = false;
    const view = this.doc.defaultView!;
    const width = panel.offsetWidth;
    const height = panel.offsetHeight;
    let top = anchor.bottom + 6;
    if (top + height > view.innerHeight - 8) top = Math.max(8, anchor.top - height - 6);
    panel.style.left = `${Math.max(8, Math.min(anchor.left, view.innerWidth - width - 8))}px`;
    panel.style.top = `${top}px`;
  }

  hide(): void {
    if (!this.panel || this.panel.hidden) return;
    const hadFocus = this.host.element?.shadowRoot?.activeElement != null;
    this.panel.hidden = true;
    this.panel.replaceChildren();
    this.shownId = null;
    if (hadFocus && this.restoreFocus instanceof HTMLElement) this.restoreFocus.focus();
    this.restoreFocus = null;
  }

  destroy(): void {
    this.panel?.remove();
    this.saveButton?.remove();
    this.addButton?.remove();
    this.panel = null;
    this.saveButton = null;
    this.addButton = null;
  }
}
