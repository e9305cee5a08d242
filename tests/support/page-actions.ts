/** What e2e tests do on a page as a reader would: click an element, choose a file. */
import type { TestPage } from './browsers.ts';
import { until } from './wait.ts';
import { focusedField, selectText, shadowPoint } from './highlight-probes.ts';

/** Clicks the element `selector` names (scrolled into view), waiting for it to exist. */
export async function clickSelector(page: TestPage, selector: string): Promise<void> {
  const at = await until(() => page.evaluate((sel: string) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    el.scrollIntoView({ block: 'center' });
    const r = el.getBoundingClientRect();
    return { x: r.left + Math.min(8, r.width / 2), y: r.top + r.height / 2 };
  }, selector), (v) => v !== null);
  if (!at) throw new Error(`${selector} not found`);
  await page.click(at.x, at.y);
}

/** Hands a file to the file input named `input`, as choosing it in the file picker does (evaluated in the page). */
export function chooseFile(args: { text: string; name: string; input: string; type?: string }): void {
  const dt = new DataTransfer();
  dt.items.add(new File([args.text], args.name, { type: args.type ?? 'application/json' }));
  const input = document.querySelector(`input[name=${args.input}]`) as HTMLInputElement;
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

/** Selects `text` in the element `id`, clicks "Save highlight" and waits for the note field to have the focus, as a reader does. */
export async function openNoteEditor(page: TestPage, id: string, text: string): Promise<void> {
  if (!(await page.evaluate(selectText, { id, text }))) throw new Error(`"${text}" not found in #${id}`);
  const button = await page.inUi(shadowPoint, { selector: 'button.save', timeoutMs: 5000 });
  if (!button) throw new Error('no "Save highlight" button next to the selection');
  await page.click(button.x, button.y);
  const field = await page.inUi(focusedField, 5000);
  if (field !== 'note') throw new Error(`the editor did not open with the note focused (focus: ${field})`);
}
