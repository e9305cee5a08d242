/**
 * Entry of page-ui.js: the parts of the content script a reader meets only by acting (hovering an
 * entity, selecting text, a page with saved highlights), and what the reader's actions do. The background injects it into the
 * frame on the content script's first need; it runs in the extension's isolated world, where it
 * leaves its classes for the content script under PAGE_UI_GLOBAL.
 */
import { SavedHighlightLayer } from '../page/saved-layer.ts';
import { EntityCard } from './card.ts';
import { NotePanel } from './note-panel.ts';
import { editSelection, offerSelectionActions, openNote } from './reader-actions.ts';
import { PAGE_UI_GLOBAL } from './script-files.ts';
import { UiHost } from './ui-host.ts';

const pageUi = { UiHost, EntityCard, NotePanel, SavedHighlightLayer, editSelection, offerSelectionActions, openNote };

export type PageUi = typeof pageUi;

(globalThis as unknown as Record<string, PageUi>)[PAGE_UI_GLOBAL] = pageUi;
