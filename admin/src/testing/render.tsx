import { DesignSystemProvider } from '@strapi/design-system';
import { render, type RenderOptions } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { IntlProvider } from 'react-intl';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { PLUGIN_ID } from '../../../shared/contracts';
import en from '../translations/en.json';

/** The English messages as the admin registers them (keys prefixed with the plugin id). */
export const messages: Record<string, string> = Object.fromEntries(
  Object.entries(en as Record<string, string>).map(([key, value]) => [`${PLUGIN_ID}.${key}`, value])
);

/** What jsdom lacks and the design system's Radix parts (selects, menus, dialogs) call. */
export const polyfillDom = () => {
  const proto = window.HTMLElement.prototype as HTMLElement & Record<string, unknown>;
  proto.scrollIntoView ??= () => undefined;
  proto.hasPointerCapture ??= () => false;
  proto.releasePointerCapture ??= () => undefined;
  window.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  window.IntersectionObserver ??= class {
    readonly root = null;
    readonly rootMargin = '';
    readonly thresholds = [];
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  };
};

/**
 * Renders a component with what it needs from the admin: the design system's theme, react-intl with the
 * plugin's English messages, and a router at `route` (the element is mounted on `path`).
 */
export const renderWithProviders = (
  ui: ReactElement,
  { route = '/', path = '*', ...options }: { route?: string; path?: string } & Omit<RenderOptions, 'wrapper'> = {}
) => {
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <DesignSystemProvider locale="en">
      <IntlProvider locale="en" messages={messages} defaultLocale="en">
        <MemoryRouter initialEntries={[route]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
          <Routes>
            <Route path={path} element={children} />
          </Routes>
        </MemoryRouter>
      </IntlProvider>
    </DesignSystemProvider>
  );
  return render(ui, { wrapper: Wrapper, ...options });
};
