// `pnpm start`: the service on one machine (Redis, api, worker). The launcher lives in
// apps/worker, whose dependencies it needs; see apps/worker/src/start.ts.
import '../apps/worker/src/start.js';
