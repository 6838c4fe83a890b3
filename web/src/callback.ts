/**
 * The sign-in popup's landing page (callback.html): hands the authorization code to the page
 * that opened the popup, on this origin only, then closes. The code is useless without the
 * opener's PKCE verifier, and is removed from the address bar and history at once.
 */
import { CALLBACK_CHANNEL, callbackMessage } from './logic/pkce';

const message = callbackMessage(window.location.search);
window.history.replaceState(null, '', window.location.pathname);

let delivered = false;
const opener = window.opener as Window | null;
if (opener !== null && !opener.closed) {
  // Same origin only: another site that opened this page gets nothing.
  opener.postMessage(message, window.location.origin);
  delivered = true;
}
if (typeof BroadcastChannel === 'function') {
  // For when the issuer's pages cut the link to the opener (Cross-Origin-Opener-Policy).
  const channel = new BroadcastChannel(CALLBACK_CHANNEL);
  channel.postMessage(message);
  channel.close();
  delivered = true;
}

const status = document.getElementById('status');
if (status !== null) {
  status.textContent =
    message.error !== null
      ? `Sign-in failed: ${message.errorDescription ?? message.error}. Close this window and try again.`
      : delivered
        ? 'Signed in. This window closes by itself; if it does not, close it.'
        : 'Signed in, but the page that asked is gone. Close this window and sign in again from the wrap-up page.';
}
if (delivered) setTimeout(() => window.close(), 300);
