import { Box, Button, Divider, Menu, Tabs } from '@strapi/design-system';
import { Plus } from '@strapi/icons';
import { Layouts, Page, useQueryParams } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { EnvironmentsTab } from '../components/EnvironmentsTab';
import { NewTaskButtons, TasksTab } from '../components/TasksTab';
import { TemplatesTab } from '../components/TemplatesTab';
import { usePermissions, type Permissions } from '../hooks/usePermissions';
import { getTranslation } from '../utils/getTranslation';

type Tab = 'tasks' | 'templates' | 'environments';

const tabOf = (value: unknown, permissions: Permissions): Tab =>
  value === 'templates' ? 'templates' : value === 'environments' && permissions.canManageEnvironments ? 'environments' : 'tasks';

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

const HeaderActions = ({ tab, permissions, onAddEnvironment }: { tab: Tab; permissions: Permissions; onAddEnvironment: () => void }) => {
  const { formatMessage } = useIntl();
  if (tab === 'environments') {
    return (
      <Button startIcon={<Plus />} onClick={onAddEnvironment}>
        {formatMessage({ id: getTranslation('environments.actions.add'), defaultMessage: 'Add an environment' })}
      </Button>
    );
  }
  if (tab === 'templates') return permissions.canManageTemplates ? <NewTemplateMenu /> : null;
  return <NewTaskButtons permissions={permissions} />;
};

/**
 * The center's page: the Import and Export tab (tasks), the Templates tab and, for users with the environments
 * action, the Environments tab; `?tab=` keeps the choice.
 */
export const HomePage = () => {
  const { formatMessage } = useIntl();
  const permissions = usePermissions();
  const [{ query }, setQuery] = useQueryParams<{ tab?: string; page?: string }>();
  const tab = tabOf(query.tab, permissions);
  const [addingEnvironment, setAddingEnvironment] = useState(false);
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
          primaryAction={permissions.isLoading ? null : <HeaderActions tab={tab} permissions={permissions} onAddEnvironment={() => setAddingEnvironment(true)} />}
        />
        <Layouts.Content>
          <Tabs.Root
            variant="simple"
            value={tab}
            onValueChange={(value: string) => setQuery({ tab: tabOf(value, permissions), page: undefined })}
          >
            <Box paddingBottom={6}>
              <Tabs.List aria-label={title}>
                <Tabs.Trigger value="tasks">
                  {formatMessage({ id: getTranslation('tabs.tasks'), defaultMessage: 'Import and Export' })}
                </Tabs.Trigger>
                <Tabs.Trigger value="templates">
                  {formatMessage({ id: getTranslation('tabs.templates'), defaultMessage: 'Templates' })}
                </Tabs.Trigger>
                {permissions.canManageEnvironments ? (
                  <Tabs.Trigger value="environments">
                    {formatMessage({ id: getTranslation('tabs.environments'), defaultMessage: 'Environments' })}
                  </Tabs.Trigger>
                ) : null}
              </Tabs.List>
              <Divider />
            </Box>
            <Tabs.Content value="tasks">
              <TasksTab permissions={permissions} />
            </Tabs.Content>
            <Tabs.Content value="templates">
              <TemplatesTab permissions={permissions} />
            </Tabs.Content>
            {permissions.canManageEnvironments ? (
              <Tabs.Content value="environments">
                <EnvironmentsTab adding={addingEnvironment} onAddingChange={setAddingEnvironment} />
              </Tabs.Content>
            ) : null}
          </Tabs.Root>
        </Layouts.Content>
      </Page.Main>
    </Layouts.Root>
  );
};
