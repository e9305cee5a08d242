/**
 * The one element the extension adds to a page, created on first use: every piece of in-page UI
 * (entity card, note panel, save button) lives in its shadow root, so page styles and scripts
 * that query the DOM meet a single unknown element.
 */
export const HOST_TAG = 'newsgloss-ui';

export class UiHost {
  private host: HTMLElement | null = null;
  private shadow: ShadowRoot | null = null;
  private readonly styles = new Set<string>();

  constructor(private readonly doc: Document) {}

  /** The host element if it exists (the text walkers skip it). */
  get element(): HTMLElement | null {
    return this.host;
  }

  /** The shadow root, with `css` added once per distinct stylesheet. */
  root(css: string): ShadowRoot {
    if (!this.shadow || !this.host?.isConnected) {
      const host = this.doc.createElement(HOST_TAG);
      host.style.cssText = 'all: initial; position: fixed; top: 0; left: 0; width: 0; height: 0; z-index: 2147483647;';
      // Closed: the page's scripts cannot reach the notes, the editor or the card through the host.
      this.shadow = host.attachShadow({ mode: 'closed' });
      this.doc.documentElement.append(host);
      this.host = host;
      this.styles.clear();
    }
    if (!this.styles.has(css)) {
      const style = this.doc.createElement('style');
      style.textContent = css;
      this.shadow.append(style);
      this.styles.add(css);
    }
    return this.shadow;
  }

  /** Whether an event happened inside the extension's UI. */
  contains(event: Event): boolean {
    return this.host !== null && event.composedPath().includes(this.host);
  }

  destroy(): void {
    this.host?.remove();
    this.host = null;
    this.shadow = null;
  }
}
