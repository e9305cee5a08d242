/** The options page: the reader's name for exported annotation files. */
import { readReader, send } from '../platform/browser.ts';

const form = document.getElementById('options') as HTMLFormElement;
const input = form.elements.namedItem('reader-name') as HTMLInputElement;
const status = document.getElementById('status')!;

void readReader().then(({ name }) => {
  input.value = name;
  document.body.dataset.ready = 'true';
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const name = input.value.replace(/\s+/g, ' ').trim().slice(0, 100);
  void send({ type: 'settings/set', readerName: name }).then(({ reader }) => {
    input.value = reader.name;
    status.textContent = name ? `Saved: your highlights are signed “${name}”.` : 'Saved: your highlights carry no name.';
  });
});
