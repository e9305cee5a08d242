/** Entry of the popup: finds the tab it is about and renders the app. */
import { render } from 'preact';
import { App } from './app.tsx';

const root = document.getElementById('app')!;
render(<App />, root);
