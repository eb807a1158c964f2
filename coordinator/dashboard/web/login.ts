/** Redeeming a login link (`cohort dashboard login` prints it), asking first before it would replace another identity's session. */
import { h, main } from './dom.ts';

interface Who {
  name: string;
  role: string;
}

/**
 * Trades the link's one-time code for a session: 'ok' when the browser is
 * logged in (or its holder chose to stay as they were), 'failed' when the
 * code is used or expired.
 */
export async function redeemLink(code: string): Promise<'ok' | 'failed'> {
  const result = await redeem(code, false).catch(() => 'failed' as const);
  if (typeof result !== 'object') return result;
  if (!(await confirmSwitch(result.current, result.offered))) return 'ok';
  // A second conflict (yet another session in between) is not a failure: the page goes on to ask who it is.
  return (await redeem(code, true).catch(() => 'failed' as const)) === 'failed' ? 'failed' : 'ok';
}

/** Trades a login code for a session. The server refuses (409) to switch a browser logged in as someone else unless asked to `replace`. */
async function redeem(code: string, replace: boolean): Promise<'ok' | 'failed' | { current: Who; offered: Who }> {
  const res = await fetch('/api/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(replace ? { code, replace } : { code }),
  });
  if (res.ok) return 'ok';
  if (res.status !== 409) return 'failed';
  const body = (await res.json()) as { current: Who; offered: Who };
  return { current: body.current, offered: body.offered };
}

/** Asks whether to leave the session this browser holds for the identity of a login link; resolves true to switch. */
function confirmSwitch(current: Who, offered: Who): Promise<boolean> {
  return new Promise((resolve) => {
    const stay = h('button', { id: 'login-stay' }, `Stay as ${current.name}`);
    const swap = h('button', { id: 'login-switch' }, `Log in as ${offered.name}`);
    stay.addEventListener('click', () => resolve(false));
    swap.addEventListener('click', () => resolve(true));
    main.replaceChildren(
      h('h2', {}, 'Switch identity?'),
      h(
        'p',
        { id: 'login-conflict' },
        `This browser is logged in as ${current.name} (${current.role}). The link you opened would log it in as ${offered.name} (${offered.role}) instead. Only switch if you ran \`cohort dashboard login\` as ${offered.name} yourself.`,
      ),
      h('p', {}, stay, ' ', swap),
    );
  });
}
