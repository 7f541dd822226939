import { useEffect, useState } from 'react';
import { Router } from 'wouter';
import { ApiError, get, SignedOut } from './api';
import { completeSignIn, currentTokens, forgetTokens, signIn, signOut } from './auth';
import { SessionContext, type Admin } from './session';
import { Shell } from './Shell';

type Boot =
  | { state: 'starting' }
  | { state: 'signed-out'; message?: string }
  | { state: 'refused'; message: string }
  | { state: 'failed'; message: string }
  | { state: 'ready'; admin: Admin };

/**
 * Signs the administrator in (or finishes signing in on /console/callback), asks the server who
 * they are, and only then shows the console. Someone who is not an administrator of the pool is
 * refused here, and every API call refuses them again on the server.
 */
export function App() {
  const [boot, setBoot] = useState<Boot>({ state: 'starting' });

  useEffect(() => {
    let cancelled = false;
    const set = (next: Boot) => !cancelled && setBoot(next);
    (async () => {
      if (location.pathname === '/console/callback') {
        try {
          const returnTo = await completeSignIn();
          history.replaceState(null, '', returnTo);
        } catch (error) {
          history.replaceState(null, '', '/console/');
          return set({ state: 'signed-out', message: `Signing in did not finish: ${(error as Error).message}` });
        }
      }
      if (!currentTokens()) return set({ state: 'signed-out' });
      try {
        const me = await get('whoami');
        if (me.actorType !== 'admin' || !me.user) return set({ state: 'refused', message: '' });
        set({ state: 'ready', admin: { ...me.user, poolId: me.poolId, poolName: me.poolName } });
      } catch (error) {
        if (error instanceof SignedOut) return set({ state: 'signed-out', message: error.message });
        if (error instanceof ApiError && error.statusCode === 403) return set({ state: 'refused', message: error.message });
        set({ state: 'failed', message: (error as Error).message });
      }
    })();
    const onSignedOut = () => set({ state: 'signed-out', message: 'Your session ended. Sign in again.' });
    window.addEventListener('userpool:signed-out', onSignedOut);
    return () => {
      cancelled = true;
      window.removeEventListener('userpool:signed-out', onSignedOut);
    };
  }, []);

  switch (boot.state) {
    case 'starting':
      return <Splash title="Userpool console"><p role="status">Loading…</p></Splash>;
    case 'signed-out':
      return (
        <Splash title="Userpool console">
          {boot.message && <p role="alert" className="alert">{boot.message}</p>}
          <p>Administrators of this user pool sign in with their own account.</p>
          <button type="button" className="primary" onClick={() => void signIn()}>Sign in</button>
        </Splash>
      );
    case 'refused':
      return (
        <Splash title="Not an administrator">
          <p role="alert" className="alert">
            Your account is not an administrator of this user pool, so the console is closed to you. {boot.message}
          </p>
          <p>An administrator can give you access with <code>userpool admins add &lt;your email&gt;</code>.</p>
          <button type="button" onClick={() => void signOut()}>Sign out</button>
        </Splash>
      );
    case 'failed':
      return (
        <Splash title="The console could not start">
          <p role="alert" className="alert">{boot.message}</p>
          <button type="button" onClick={() => { forgetTokens(); location.reload(); }}>Try again</button>
        </Splash>
      );
    case 'ready':
      return (
        <SessionContext.Provider value={{ admin: boot.admin, signOut: () => void signOut() }}>
          <Router base="/console">
            <Shell />
          </Router>
        </SessionContext.Provider>
      );
  }
}

function Splash({ title, children }: { title: string; children: React.ReactNode }) {
  useEffect(() => {
    document.title = title;
  }, [title]);
  return (
    <main className="splash">
      <h1>{title}</h1>
      {children}
    </main>
  );
}
