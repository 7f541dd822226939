import { useEffect, useRef } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { useSession } from './session';
import { UsersPage } from './pages/Users';
import { UserPage } from './pages/User';
import { DepartmentsPage } from './pages/Departments';
import { RolesPage, GroupsPage, PostsPage } from './pages/Lists';
import { ApplicationsPage } from './pages/Applications';
import { WebhooksPage, WebhookPage } from './pages/Webhooks';
import { OffboardingPage } from './pages/Offboarding';
import { ScheduledPage } from './pages/Scheduled';
import { AuditPage } from './pages/Audit';

const NAV = [
  ['/users', 'Users'],
  ['/departments', 'Departments'],
  ['/roles', 'Roles'],
  ['/groups', 'Groups'],
  ['/posts', 'Posts'],
  ['/applications', 'Applications'],
  ['/webhooks', 'Webhooks'],
  ['/offboarding', 'Offboarding'],
  ['/scheduled', 'Scheduled resignations'],
  ['/audit', 'Audit log'],
] as const;

export function Shell() {
  const { admin, signOut } = useSession();
  const [location] = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After moving to another page, focus goes to its content, as a full page load would put it.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [location]);

  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">Userpool console <span className="pool">· {admin.poolName}</span></span>
        <span className="who">
          Signed in as <strong>{admin.name || admin.email || admin.username || admin.userId}</strong>
        </span>
        <button type="button" onClick={signOut}>Sign out</button>
      </header>
      <div className="layout">
        <nav aria-label="Console">
          <ul>
            {NAV.map(([href, label]) => (
              <li key={href}>
                <Link href={href} aria-current={location === href || location.startsWith(`${href}/`) ? 'page' : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" ref={main} tabIndex={-1}>
          <Switch>
            <Route path="/"><Redirect to="/users" replace /></Route>
            <Route path="/users" component={UsersPage} />
            <Route path="/users/:userId">{(params) => <UserPage userId={params.userId} />}</Route>
            <Route path="/departments" component={DepartmentsPage} />
            <Route path="/roles" component={RolesPage} />
            <Route path="/groups" component={GroupsPage} />
            <Route path="/posts" component={PostsPage} />
            <Route path="/applications" component={ApplicationsPage} />
            <Route path="/webhooks" component={WebhooksPage} />
            <Route path="/webhooks/:webhookId">{(params) => <WebhookPage webhookId={params.webhookId} />}</Route>
            <Route path="/offboarding" component={OffboardingPage} />
            <Route path="/scheduled" component={ScheduledPage} />
            <Route path="/audit" component={AuditPage} />
            <Route>
              <h1>Not found</h1>
              <p>There is no console page here. <Link href="/users">Go to users</Link>.</p>
            </Route>
          </Switch>
        </main>
      </div>
    </>
  );
}
