import { PageHeader } from '../components/ui';

export function OffboardingPage() {
  return <PageHeader title="Offboarding" />;
}
