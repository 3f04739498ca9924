/**
 * Whether a failure means the database is down right now (answered 503 with Retry-After, retried) rather than
 * a bug. The outer layers (the error handler, readiness, the worker) ask here: storage/ alone knows the drivers'
 * error shapes, and they reach storage only through payments/.
 */
export { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../storage/unavailable.js';
