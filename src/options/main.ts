/** The options page: the reader's name for exported annotation files. */
import { browser, READER_NAME_KEY, readReaderName } from '../platform/browser.ts';

const form = document.getElementById('options') as HTMLFormElement;
const input = form.elements.namedItem('reader-name') as HTMLInputElement;
const status = document.getElementById('status')!;

void readReaderName().then((name) => {
  input.value = name;
  document.body.dataset.ready = 'true';
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const name = input.value.replace(/\s+/g, ' ').trim().slice(0, 100);
  void browser.storage.local.set({ [READER_NAME_KEY]: name }).then(() => {
    input.value = name;
    status.textContent = name ? `Saved: your highlights are signed “${name}”.` : 'Saved: your highlights carry no name.';
  });
});
