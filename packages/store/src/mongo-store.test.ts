import { newId } from '@hindsight/models';
import { describe, expect, it } from 'vitest';
import { createStore } from './create-store.js';
import { MongoStore } from './mongo-store.js';
import { storeContract } from './store.contract.js';

const url = process.env.MONGODB_URL;

// No MongoDB server can run on the development machines; CI and docker-compose set MONGODB_URL.
describe.skipIf(!url)('MongoStore (skipped unless MONGODB_URL points at a MongoDB server)', () => {
  storeContract(async () => {
    const store = await MongoStore.connect(url!, { dbName: `hindsight_test_${newId()}` });
    return {
      store,
      cleanup: async () => {
        await store.dropDatabase();
        await store.close();
      },
    };
  });
});

describe('MongoStore without a server', () => {
  // Port 1 is reserved and nothing listens there, so server selection fails at once.
  const nowhere = 'mongodb://127.0.0.1:1/hindsight';

  it('answers HS_ERR_STORE_UNAVAILABLE, naming only the kind of failure', async () => {
    await expect(
      MongoStore.connect(nowhere, { serverSelectionTimeoutMS: 200 }),
    ).rejects.toMatchObject({
      code: 'HS_ERR_STORE_UNAVAILABLE',
      statusCode: 503,
      message: 'the store is unavailable: MongooseServerSelectionError',
    });
  });

  it('is what createStore tries when given a MongoDB URL', async () => {
    await expect(
      createStore({ mongodbUrl: `${nowhere}?serverSelectionTimeoutMS=200`, dataRoot: '.' }),
    ).rejects.toMatchObject({ code: 'HS_ERR_STORE_UNAVAILABLE' });
  });
});
