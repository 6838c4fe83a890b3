/** The supervisor board's entry (board.html): the wrap-ups, and Insights at `#insights`. */
import './styles.css';
import { render } from 'preact';
import { BoardApp } from './ui/BoardApp';
import { ConfigShell } from './ui/common';

const root = document.getElementById('app');
if (root !== null) {
  render(<ConfigShell title="Wrap-up board">{(config) => <BoardApp config={config} />}</ConfigShell>, root);
}
