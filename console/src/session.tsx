import { createContext, useContext } from 'react';

/** The signed-in administrator, as GET /api/v3/whoami describes them. */
export interface Admin {
  userId: string;
  name?: string;
  email?: string;
  username?: string;
  poolId: string;
  poolName: string;
}

export const SessionContext = createContext<{ admin: Admin; signOut: () => void } | undefined>(undefined);

export function useSession() {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}
