import { Box, Checkbox, Field, Grid, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import type { Template } from '../../../shared/contracts';
import { useErrorMessage } from '../hooks/useErrorMessage';
import type { FormErrors } from '../utils/forms';
import { getTranslation } from '../utils/getTranslation';
import type { ScheduleFormField, ScheduleFormValues } from '../utils/schedule';
import { TextField } from './fields';
import { Section } from './Section';

/**
 * The Schedule section of an export template (README, *Scheduled exports*): on or off, the cron expression, its
 * time zone, and how many runs to keep; with the next and last runs of a saved template.
 */
export const ScheduleFields = ({
  values,
  onChange,
  errors,
  template,
  disabled,
}: {
  values: ScheduleFormValues;
  onChange: (patch: Partial<ScheduleFormValues>) => void;
  errors: FormErrors<ScheduleFormField>;
  /** The saved template: its next and last runs are shown. */
  template?: Template;
  disabled?: boolean;
}) => {
  const { formatMessage, formatDate } = useIntl();
  const errorMessage = useErrorMessage();
  const when = (iso: string | null) => (iso ? formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' }) : '-');
  return (
    <Section
      title={formatMessage({ id: getTranslation('schedule.section'), defaultMessage: 'Schedule' })}
      subtitle={formatMessage({
        id: getTranslation('schedule.subtitle'),
        defaultMessage:
          'Run this export by itself, on a cron schedule. Its files are kept with the tasks, in the task list.',
      })}
    >
      <Grid.Root gap={5}>
        <Grid.Item col={12} direction="column" alignItems="stretch">
          <Field.Root name="scheduleEnabled">
            <Checkbox
              name="scheduleEnabled"
              checked={values.enabled}
              disabled={disabled}
              onCheckedChange={(next: boolean | 'indeterminate') => onChange({ enabled: next === true })}
            >
              {formatMessage({ id: getTranslation('schedule.enabled'), defaultMessage: 'Run on a schedule' })}
            </Checkbox>
          </Field.Root>
        </Grid.Item>
        {values.enabled ? (
          <>
            <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
              <TextField
                name="scheduleCron"
                label={formatMessage({ id: getTranslation('schedule.cron'), defaultMessage: 'Cron expression' })}
                hint={formatMessage({
                  id: getTranslation('schedule.cron.hint'),
                  defaultMessage:
                    'minute hour day-of-month month day-of-week: 0 3 * * * is every day at 03:00, */15 * * * * every 15 minutes',
                })}
                required
                disabled={disabled}
                error={errorMessage(errors.scheduleCron)}
                value={values.cron}
                onChange={(cron) => onChange({ cron })}
              />
            </Grid.Item>
            <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
              <TextField
                name="scheduleTimezone"
                label={formatMessage({ id: getTranslation('schedule.timezone'), defaultMessage: 'Time zone' })}
                hint={formatMessage({
                  id: getTranslation('schedule.timezone.hint'),
                  defaultMessage: 'An IANA name, such as Europe/Paris or UTC',
                })}
                required
                disabled={disabled}
                error={errorMessage(errors.scheduleTimezone)}
                value={values.timezone}
                onChange={(timezone) => onChange({ timezone })}
              />
            </Grid.Item>
            <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
              <TextField
                name="scheduleKeep"
                label={formatMessage({ id: getTranslation('schedule.keep'), defaultMessage: 'Runs to keep' })}
                hint={formatMessage({
                  id: getTranslation('schedule.keep.hint'),
                  defaultMessage: 'Older runs are deleted with their files; empty: keep every run',
                })}
                disabled={disabled}
                error={errorMessage(errors.scheduleKeep)}
                value={values.keep}
                onChange={(keep) => onChange({ keep })}
              />
            </Grid.Item>
          </>
        ) : null}
        {template?.schedule ? (
          <Grid.Item col={12} direction="column" alignItems="stretch">
            <Box>
              <Typography variant="pi" textColor="neutral600">
                {formatMessage(
                  { id: getTranslation('schedule.runs'), defaultMessage: 'Next run: {next} · Last run: {last}' },
                  { next: when(template.nextRunAt), last: when(template.lastRunAt) }
                )}
              </Typography>
            </Box>
          </Grid.Item>
        ) : null}
      </Grid.Root>
    </Section>
  );
};
