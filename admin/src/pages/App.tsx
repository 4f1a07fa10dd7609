import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';
import { permission } from '../../../shared/contracts';
import { HomePage } from './HomePage';

const App = () => (
  <Page.Protect permissions={[{ action: permission('read'), subject: null }]}>
    <Routes>
      <Route index element={<HomePage />} />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  </Page.Protect>
);

export { App };
export default App;
