/** The supervisor board's entry (board.html). */
import './styles.css';
import { render } from 'preact';
import { Board } from './ui/Board';
import { ConfigShell } from './ui/common';

const root = document.getElementById('app');
if (root !== null) {
  render(<ConfigShell title="Wrap-up board">{(config) => <Board config={config} />}</ConfigShell>, root);
}
