/** The administrators' page entry (admin.html): the policies in force, changes, preview, history (R20). */
import './styles.css';
import { render } from 'preact';
import { Admin } from './ui/Admin';
import { ConfigShell } from './ui/common';

const root = document.getElementById('app');
if (root !== null) {
  render(<ConfigShell title="Wrap-up policies">{(config) => <Admin config={config} />}</ConfigShell>, root);
}
