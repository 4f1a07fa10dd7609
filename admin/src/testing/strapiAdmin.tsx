/**
 * A stand-in for `@strapi/strapi/admin` in component tests, which cannot boot the whole admin:
 *   jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));
 * Only what the plugin's pages use, kept small. Tests set the fetch client (`setFetchClient`) and read the
 * notifications shown (`notifications`).
 */
import { Button, Dialog } from '@strapi/design-system';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';

type Call = (...args: unknown[]) => Promise<unknown>;
export interface TestFetchClient {
  get: Call;
  post: Call;
  put: Call;
  del: Call;
}

function Children_({ children }: { children?: ReactNode }) {
  return <>{children}</>;
}
const Children = Children_;

const unexpected = (method: string) => (url: unknown) => Promise.reject(new Error(`unexpected ${method} ${String(url)}`));
let client: TestFetchClient = { get: unexpected('GET'), post: unexpected('POST'), put: unexpected('PUT'), del: unexpected('DELETE') };
export const setFetchClient = (next: Partial<TestFetchClient>) => {
  client = { ...client, ...next };
};
export const resetFetchClient = () => {
  client = { get: unexpected('GET'), post: unexpected('POST'), put: unexpected('PUT'), del: unexpected('DELETE') };
  notifications.length = 0;
  allowedActions = ALL_ALLOWED;
};
export const useFetchClient = () => client;

export const notifications: Array<{ type: string; message: string }> = [];
const toggleNotification = (notification: { type: string; message: string }) => {
  notifications.push(notification);
};
export const useNotification = () => ({ toggleNotification });

const formatAPIError = (error: Error) => error.message;
export const useAPIErrorHandler = () => ({ formatAPIError });
export const isFetchError = (_error: unknown): _error is Error => false;

const ALL_ALLOWED = { canRead: true, canImport: true, canExport: true, canTemplates: true, canEnvironments: true };
let allowedActions: Record<string, boolean> = ALL_ALLOWED;
/** The actions the current admin may take (all by default; reset by `resetFetchClient`). */
export const setAllowedActions = (next: Partial<typeof ALL_ALLOWED>) => {
  allowedActions = { ...ALL_ALLOWED, ...next };
};
export const useRBAC = () => ({ allowedActions, isLoading: false, permissions: [] });

/** The query string as an object, read-only. */
export const useQueryParams = () => {
  const [params] = useSearchParams();
  return [{ query: Object.fromEntries(params.entries()), rawQuery: params.toString() }, () => undefined] as const;
};

export const Pagination = { Root: Children_, PageSize: () => null, Links: () => null };

/** Strapi's ConfirmDialog: the design system's dialog with Cancel and Confirm. */
export const ConfirmDialog = ({ children, onConfirm }: { children?: ReactNode; onConfirm?: () => void }) => (
  <Dialog.Content>
    <Dialog.Header>Confirmation</Dialog.Header>
    <Dialog.Body>{children}</Dialog.Body>
    <Dialog.Footer>
      <Dialog.Cancel>
        <Button variant="tertiary">Cancel</Button>
      </Dialog.Cancel>
      <Button onClick={() => onConfirm?.()}>Confirm</Button>
    </Dialog.Footer>
  </Dialog.Content>
);


export const Page = {
  Main: Children,
  Title: () => null,
  Protect: Children,
  Loading: () => <p>Loading</p>,
  Error: () => <p>Error</p>,
};

export const Layouts = {
  Root: Children,
  Content: Children,
  Header: ({
    title,
    subtitle,
    primaryAction,
  }: {
    title: ReactNode;
    subtitle?: ReactNode;
    primaryAction?: ReactNode;
  }) => (
    <header>
      <h1>{title}</h1>
      {subtitle}
      {primaryAction}
    </header>
  ),
};

export const BackButton = () => null;
