import { restartScenarios } from './restart-scenarios.js';

// With REDIS_URL: BullMQ delayed jobs wake the follow-ups, the database row stays the truth.
restartScenarios('bullmq');
