import { ProgressBar } from '@strapi/design-system';
import { styled } from 'styled-components';

/**
 * The design system's ProgressBar is drawn for dark backgrounds (the upload overlay: a white bar on grey);
 * on the admin's white tables and modals the bar is primary on a light track.
 */
export const TaskProgressBar = styled(ProgressBar)<{ $fullWidth?: boolean }>`
  background-color: ${({ theme }) => theme.colors.neutral150};
  ${({ $fullWidth }) => ($fullWidth ? 'width: 100%;' : '')}

  & > div {
    background-color: ${({ theme }) => theme.colors.primary600};
  }
`;
