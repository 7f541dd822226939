import { PageHeader } from '../components/ui';

export function ScheduledPage() {
  return <PageHeader title="Scheduled resignations" />;
}
