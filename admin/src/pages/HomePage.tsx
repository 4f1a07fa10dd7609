import { Badge, Box, EmptyStateLayout, Table, Tabs, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import type { ListTasks, ListTemplates, Task, Template } from '../../../shared/contracts';
import { getTranslation } from '../utils/getTranslation';

const STATUS_VARIANT: Record<Task['status'], { background: string; text: string }> = {
  queued: { background: 'neutral150', text: 'neutral700' },
  running: { background: 'primary100', text: 'primary700' },
  completed: { background: 'success100', text: 'success700' },
  'completed-with-errors': { background: 'warning100', text: 'warning700' },
  failed: { background: 'danger100', text: 'danger700' },
  cancelled: { background: 'neutral150', text: 'neutral700' },
  interrupted: { background: 'danger100', text: 'danger700' },
};

export const StatusBadge = ({ status }: { status: Task['status'] }) => {
  const { formatMessage } = useIntl();
  const variant = STATUS_VARIANT[status];
  return (
    <Badge backgroundColor={variant.background} textColor={variant.text}>
      {formatMessage({ id: getTranslation(`status.${status}`), defaultMessage: status })}
    </Badge>
  );
};

const TasksTab = () => {
  const { get } = useFetchClient();
  const { formatMessage, formatDate } = useIntl();
  const [tasks, setTasks] = useState<Task[] | null>(null);

  useEffect(() => {
    let active = true;
    get<ListTasks.Response>('/data-migration-center/tasks').then(({ data }) => active && setTasks(data.data));
    return () => {
      active = false;
    };
  }, [get]);

  if (tasks === null) return <Page.Loading />;
  if (tasks.length === 0) {
    return (
      <EmptyStateLayout
        content={formatMessage({
          id: getTranslation('tasks.empty'),
          defaultMessage: 'No import or export yet. Start one to move content in or out of this project.',
        })}
      />
    );
  }
  return (
    <Table colCount={6} rowCount={tasks.length + 1}>
      <Thead>
        <Tr>
          {['name', 'kind', 'contentType', 'format', 'status', 'createdAt'].map((column) => (
            <Th key={column}>
              <Typography variant="sigma">
                {formatMessage({ id: getTranslation(`tasks.column.${column}`), defaultMessage: column })}
              </Typography>
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {tasks.map((task) => (
          <Tr key={task.id}>
            <Td>
              <Typography textColor="neutral800">{task.name}</Typography>
            </Td>
            <Td>{formatMessage({ id: getTranslation(`kind.${task.kind}`), defaultMessage: task.kind })}</Td>
            <Td>{task.contentType}</Td>
            <Td>{task.format?.toUpperCase()}</Td>
            <Td>
              <StatusBadge status={task.status} />
            </Td>
            <Td>{formatDate(task.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}</Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};

const TemplatesTab = () => {
  const { get } = useFetchClient();
  const { formatMessage, formatDate } = useIntl();
  const [templates, setTemplates] = useState<Template[] | null>(null);

  useEffect(() => {
    let active = true;
    get<ListTemplates.Response>('/data-migration-center/templates').then(({ data }) => active && setTemplates(data.data));
    return () => {
      active = false;
    };
  }, [get]);

  if (templates === null) return <Page.Loading />;
  if (templates.length === 0) {
    return (
      <EmptyStateLayout
        content={formatMessage({
          id: getTranslation('templates.empty'),
          defaultMessage: 'No templates yet. Save the settings of an import or export to run it again in one click.',
        })}
      />
    );
  }
  return (
    <Table colCount={4} rowCount={templates.length + 1}>
      <Thead>
        <Tr>
          {['name', 'kind', 'contentType', 'updatedAt'].map((column) => (
            <Th key={column}>
              <Typography variant="sigma">
                {formatMessage({ id: getTranslation(`templates.column.${column}`), defaultMessage: column })}
              </Typography>
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {templates.map((template) => (
          <Tr key={template.id}>
            <Td>
              <Typography textColor="neutral800">{template.name}</Typography>
            </Td>
            <Td>{formatMessage({ id: getTranslation(`kind.${template.kind}`), defaultMessage: template.kind })}</Td>
            <Td>{template.contentType}</Td>
            <Td>{template.updatedAt ? formatDate(template.updatedAt, { dateStyle: 'medium' }) : ''}</Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};

export const HomePage = () => {
  const { formatMessage } = useIntl();
  const title = formatMessage({ id: getTranslation('plugin.name'), defaultMessage: 'Data Migration Center' });
  return (
    <Layouts.Root>
      <Page.Title>{title}</Page.Title>
      <Page.Main>
        <Layouts.Header
          title={title}
          subtitle={formatMessage({
            id: getTranslation('page.subtitle'),
            defaultMessage: 'Move content in and out of this project as JSON, JSONL, JSONT or CSV',
          })}
        />
        <Layouts.Content>
          <Tabs.Root defaultValue="tasks">
            <Tabs.List aria-label={title}>
              <Tabs.Trigger value="tasks">
                {formatMessage({ id: getTranslation('tabs.tasks'), defaultMessage: 'Import and Export' })}
              </Tabs.Trigger>
              <Tabs.Trigger value="templates">
                {formatMessage({ id: getTranslation('tabs.templates'), defaultMessage: 'Templates' })}
              </Tabs.Trigger>
            </Tabs.List>
            <Box paddingTop={4}>
              <Tabs.Content value="tasks">
                <TasksTab />
              </Tabs.Content>
              <Tabs.Content value="templates">
                <TemplatesTab />
              </Tabs.Content>
            </Box>
          </Tabs.Root>
        </Layouts.Content>
      </Page.Main>
    </Layouts.Root>
  );
};
