/**
 * The browser's sign-in popup for auth.ts: `window.open` in the click's task, then the callback
 * page's message from this origin only, by `postMessage` to the opener or, when the issuer's
 * pages cut the link to the opener (Cross-Origin-Opener-Policy), on a same-origin BroadcastChannel.
 */
import type { OpenSignInPopup, SignInPopup } from './auth';
import { CALLBACK_CHANNEL } from './logic/pkce';

/** How often the popup is checked for being closed, ms. */
const CLOSED_POLL_MS = 500;

/** Opens the sign-in popup; null when the browser blocked it. */
export const openBrowserPopup: OpenSignInPopup = () => {
  const popup = window.open('about:blank', 'acw-sign-in', 'popup,width=480,height=680');
  return popup === null ? null : browserPopup(popup);
};

function browserPopup(popup: Window): SignInPopup {
  return {
    navigate(url) {
      popup.location.href = url;
    },
    listen(onMessage, onClosed) {
      const onWindowMessage = (event: MessageEvent) => {
        if (event.origin === window.location.origin) onMessage(event.data);
      };
      window.addEventListener('message', onWindowMessage);
      const channel =
        typeof BroadcastChannel === 'function' ? new BroadcastChannel(CALLBACK_CHANNEL) : undefined;
      if (channel !== undefined) channel.onmessage = (event: MessageEvent) => onMessage(event.data);
      let closedChecks = 0;
      const watch = setInterval(() => {
        // The callback page closes the popup right after posting: give its message a moment.
        if (popup.closed && ++closedChecks > 2) onClosed();
      }, CLOSED_POLL_MS);
      return () => {
        window.removeEventListener('message', onWindowMessage);
        channel?.close();
        clearInterval(watch);
      };
    },
    close() {
      if (!popup.closed) popup.close();
    },
  };
}
