import { configure } from '@testing-library/react';

/**
 * The admin tests wait for what the pages render after their requests (findBy..., waitFor). The default of one
 * second is too short on a machine busy with other work (a CI run beside the API tests): a slow render is not a
 * failure. A test that waits for something that never comes still fails, after ten seconds.
 */
configure({ asyncUtilTimeout: 10_000 });
