/** The agent widget's entry (index.html). */
import './styles.css';
import { render } from 'preact';
import { ConfigShell } from './ui/common';
import { Widget } from './ui/Widget';

const root = document.getElementById('app');
if (root !== null) {
  render(<ConfigShell title="Wrap-up">{(config) => <Widget config={config} />}</ConfigShell>, root);
}
