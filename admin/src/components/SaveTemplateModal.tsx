import { Button, Flex, Modal } from '@strapi/design-system';
import { useEffect, useState, type FormEvent } from 'react';
import { useIntl } from 'react-intl';
import { getTranslation } from '../utils/getTranslation';
import { TextareaField, TextField } from './fields';

export interface SaveTemplateModalProps {
  open: boolean;
  onClose: () => void;
  /** Saves the template; resolves true when saved (the modal then closes). */
  onSave: (input: { name: string; description: string | null }) => Promise<boolean>;
  defaultName?: string;
}

/** "Save as template": asks for the template's name (unique per kind) and an optional description. */
export const SaveTemplateModal = ({ open, onClose, onSave, defaultName = '' }: SaveTemplateModalProps) => {
  const { formatMessage } = useIntl();
  const [name, setName] = useState(defaultName);
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string>();
  const [isSaving, setIsSaving] = useState(false);

  useEffect(() => {
    if (open) {
      setName(defaultName);
      setDescription('');
      setError(undefined);
    }
  }, [open, defaultName]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    event.stopPropagation();
    if (!name.trim()) {
      setError(formatMessage({ id: getTranslation('form.error.required'), defaultMessage: 'This value is required.' }));
      return;
    }
    setIsSaving(true);
    try {
      if (await onSave({ name: name.trim(), description: description.trim() || null })) onClose();
    } finally {
      setIsSaving(false);
    }
  };

  return (
    <Modal.Root open={open} onOpenChange={(next: boolean) => !next && onClose()}>
      <Modal.Content>
        <form onSubmit={submit} noValidate>
          <Modal.Header>
            <Modal.Title>
              {formatMessage({ id: getTranslation('saveTemplate.title'), defaultMessage: 'Save as template' })}
            </Modal.Title>
          </Modal.Header>
          <Modal.Body>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <TextField
                name="templateName"
                label={formatMessage({ id: getTranslation('form.templateName'), defaultMessage: 'Template name' })}
                hint={formatMessage({
                  id: getTranslation('saveTemplate.hint'),
                  defaultMessage: 'Saves these settings to run the same job again in one click.',
                })}
                required
                value={name}
                error={error}
                onChange={(value) => {
                  setName(value);
                  setError(undefined);
                }}
              />
              <TextareaField
                name="templateDescription"
                label={formatMessage({ id: getTranslation('form.description'), defaultMessage: 'Description' })}
                value={description}
                onChange={setDescription}
              />
            </Flex>
          </Modal.Body>
          <Modal.Footer>
            <Modal.Close>
              <Button variant="tertiary">
                {formatMessage({ id: getTranslation('actions.cancel'), defaultMessage: 'Cancel' })}
              </Button>
            </Modal.Close>
            <Button type="submit" loading={isSaving}>
              {formatMessage({ id: getTranslation('actions.save'), defaultMessage: 'Save' })}
            </Button>
          </Modal.Footer>
        </form>
      </Modal.Content>
    </Modal.Root>
  );
};
