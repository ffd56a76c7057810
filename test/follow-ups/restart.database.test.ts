import { restartScenarios } from './restart-scenarios.js';

// Without Redis: the follow-up runner polls the database.
restartScenarios('database');
