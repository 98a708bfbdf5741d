// bench/floor-server.ts's shard threads start here: require goes through tsx's hook, a Worker's entry does not.
require(require('node:worker_threads').workerData.module);
