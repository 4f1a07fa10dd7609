/** `--type contact`: plain spreadsheet rows (no relations, no draft & publish), matched by a documentId of the file. */
const item = (i) => ({
  documentId: `benchcontact${String(i).padStart(12, '0')}`,
  firstName: `First ${i}`,
  lastName: `Last ${i}`,
  company: `Company ${i % 100}`,
  city: 'Barcelona',
  zip: String(i % 100000).padStart(5, '0'),
  phone: `+34 600 ${String(i).padStart(6, '0')}`,
});

module.exports = {
  uid: 'api::contact.contact',
  what: 'contacts (plain rows, matched by documentId)',
  item,
  matchBy: 'documentId',
  targets: [],
  csvColumns: ['documentId', 'firstName', 'lastName', 'company', 'city', 'zip', 'phone'],
  documentData: (entry) => entry,
};
