import { Box, Divider, Menu, Tabs } from '@strapi/design-system';
import { Plus } from '@strapi/icons';
import { Layouts, Page, useQueryParams } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router-dom';
import { NewTaskButtons, TasksTab } from '../components/TasksTab';
import { TemplatesTab } from '../components/TemplatesTab';
import { usePermissions, type Permissions } from '../hooks/usePermissions';
import { getTranslation } from '../utils/getTranslation';

type Tab = 'tasks' | 'templates';

const NewTemplateMenu = () => {
  const { formatMessage } = useIntl();
  const navigate = useNavigate();
  return (
    <Menu.Root>
      <Menu.Trigger variant="default" startIcon={<Plus />} endIcon={null}>
        {formatMessage({ id: getTranslation('actions.newTemplate'), defaultMessage: 'New template' })}
      </Menu.Trigger>
      <Menu.Content popoverPlacement="bottom-end">
        <Menu.Item onSelect={() => navigate('templates/new?kind=export')}>
          {formatMessage({ id: getTranslation('templates.new.export'), defaultMessage: 'Export template' })}
        </Menu.Item>
        <Menu.Item onSelect={() => navigate('templates/new?kind=import')}>
          {formatMessage({ id: getTranslation('templates.new.import'), defaultMessage: 'Import template' })}
        </Menu.Item>
      </Menu.Content>
    </Menu.Root>
  );
};

const HeaderActions = ({ tab, permissions }: { tab: Tab; permissions: Permissions }) => {
  if (tab === 'templates') return permissions.canManageTemplates ? <NewTemplateMenu /> : null;
  return <NewTaskButtons permissions={permissions} />;
};

/** The center's page: the Import and Export tab (tasks) and the Templates tab; `?tab=` keeps the choice. */
export const HomePage = () => {
  const { formatMessage } = useIntl();
  const permissions = usePermissions();
  const [{ query }, setQuery] = useQueryParams<{ tab?: string; page?: string }>();
  const tab: Tab = query.tab === 'templates' ? 'templates' : 'tasks';
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
          primaryAction={permissions.isLoading ? null : <HeaderActions tab={tab} permissions={permissions} />}
        />
        <Layouts.Content>
          <Tabs.Root
            variant="simple"
            value={tab}
            onValueChange={(value: string) => setQuery({ tab: value === 'templates' ? 'templates' : 'tasks', page: undefined })}
          >
            <Box paddingBottom={6}>
              <Tabs.List aria-label={title}>
                <Tabs.Trigger value="tasks">
                  {formatMessage({ id: getTranslation('tabs.tasks'), defaultMessage: 'Import and Export' })}
                </Tabs.Trigger>
                <Tabs.Trigger value="templates">
                  {formatMessage({ id: getTranslation('tabs.templates'), defaultMessage: 'Templates' })}
                </Tabs.Trigger>
              </Tabs.List>
              <Divider />
            </Box>
            <Tabs.Content value="tasks">
              <TasksTab permissions={permissions} />
            </Tabs.Content>
            <Tabs.Content value="templates">
              <TemplatesTab permissions={permissions} />
            </Tabs.Content>
          </Tabs.Root>
        </Layouts.Content>
      </Page.Main>
    </Layouts.Root>
  );
};
